package dev.switchboard.server;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.net.URI;

/**
 * picocli type converters for the {@code serve} settings. They apply to a value from any source (flag,
 * {@code SWITCHBOARD_*} variable, config file), so a message names the value, never where it came from.
 */
final class SettingConverters {
    private SettingConverters() {
    }

    /** A TCP/UDP port, 0-65535. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int p = Integer.parseInt(value.trim());
                if (p >= 0 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new TypeConversionException("'" + value + "' is not a port (0-65535)");
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h} or a bare number of seconds; positive. */
    static final class DurationConverter implements ITypeConverter<java.time.Duration> {
        @Override
        public java.time.Duration convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            try {
                java.time.Duration d = v.endsWith("ms") ? java.time.Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()))
                        : v.endsWith("h") ? fractional(v, 3_600_000)
                        : v.endsWith("m") ? fractional(v, 60_000)
                        : java.time.Duration.ofMillis(Math.round(Double.parseDouble(v.endsWith("s") ? v.substring(0, v.length() - 1).trim() : v) * 1000));
                if (d.toMillis() >= 1) {
                    return d;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // below
            }
            throw new TypeConversionException("'" + value + "' is not a positive duration (e.g. 10s, 500ms, 5m or 1h)");
        }

        /** {@code 1.5m} with {@code unitMillis} 60,000: 90 s. */
        private static java.time.Duration fractional(String v, long unitMillis) {
            double n = Double.parseDouble(v.substring(0, v.length() - 1).trim());
            if (!Double.isFinite(n) || n * unitMillis > Long.MAX_VALUE / 2) {
                throw new NumberFormatException(v);
            }
            return java.time.Duration.ofMillis(Math.round(n * unitMillis));
        }
    }

    /** {@code off} (null) or a positive duration, as {@link DurationConverter} reads it. */
    static final class DurationOrOffConverter implements ITypeConverter<java.time.Duration> {
        @Override
        public java.time.Duration convert(String value) {
            if (value.trim().equalsIgnoreCase("off")) {
                return null;
            }
            try {
                return new DurationConverter().convert(value);
            } catch (TypeConversionException e) {
                throw new TypeConversionException("'" + value + "' is not off or a positive duration (e.g. 60s, 500ms, 5m)");
            }
        }
    }

    /** {@code auto} or a number of calls ({@link CallLimit}). */
    static final class CallLimitConverter implements ITypeConverter<CallLimit> {
        @Override
        public CallLimit convert(String value) {
            return parsed(value, CallLimit::parse);
        }
    }

    /** {@code off} (null: no limit of its own) or a number of calls, at least 1. */
    static final class TenantCallLimitConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String v = value.trim();
            if (v.equalsIgnoreCase("off")) {
                return null;
            }
            if (!v.isEmpty() && v.length() <= 9 && v.chars().allMatch(Character::isDigit) && Integer.parseInt(v) >= 1) {
                return Integer.parseInt(v);
            }
            throw new TypeConversionException("'" + value + "' must be off or a number of calls, at least 1");
        }
    }

    /** {@code off} (null: no limit) or {@code REQUESTS/WINDOW}, e.g. {@code 50000/15s} ({@link dev.switchboard.api.GraphRequestLimit}). */
    static final class GraphRequestLimitConverter implements ITypeConverter<dev.switchboard.api.GraphRequestLimit> {
        @Override
        public dev.switchboard.api.GraphRequestLimit convert(String value) {
            String v = value.trim();
            if (v.equalsIgnoreCase("off")) {
                return null;
            }
            String[] parts = v.split("/", -1);
            String shape = "'" + value + "' must be off or REQUESTS/WINDOW, e.g. 50000/15s: 1 to "
                    + dev.switchboard.api.GraphRequestLimit.MAX_REQUESTS + " requests in whole seconds from 1s to 1h";
            if (parts.length != 2 || parts[0].isBlank() || parts[0].trim().length() > 9
                    || !parts[0].trim().chars().allMatch(Character::isDigit)) {
                throw new TypeConversionException(shape);
            }
            try {
                return new dev.switchboard.api.GraphRequestLimit(Integer.parseInt(parts[0].trim()),
                        new DurationConverter().convert(parts[1]));
            } catch (IllegalArgumentException | TypeConversionException e) {
                throw new TypeConversionException(shape);
            }
        }
    }

    /** {@code auto} or a size such as {@code 64MiB} ({@link MemorySize}). */
    static final class MemorySizeConverter implements ITypeConverter<MemorySize> {
        @Override
        public MemorySize convert(String value) {
            return parsed(value, MemorySize::parse);
        }
    }

    /** {@code parse(value)}, its refusal ({@code IllegalArgumentException}: "must be ...") naming the value. */
    private static <T> T parsed(String value, java.util.function.Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' " + e.getMessage());
        }
    }

    /** {@code --media-allow}: comma-separated IPs and CIDR ranges. */
    static final class MediaAllowConverter implements ITypeConverter<dev.switchboard.media.MediaAllowList> {
        @Override
        public dev.switchboard.media.MediaAllowList convert(String value) {
            try {
                return dev.switchboard.media.MediaAllowList.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "': " + e.getMessage());
            }
        }
    }

    /** {@code LOW-HIGH} within 1024-65535. */
    static final class PortRangeConverter implements ITypeConverter<MediaSettings.PortRange> {
        @Override
        public MediaSettings.PortRange convert(String value) {
            try {
                return MediaSettings.PortRange.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "': " + e.getMessage());
            }
        }
    }

    /** A comma-separated list of hosts, IPs or CIDR ranges. */
    static final class HostListConverter implements ITypeConverter<CallbackSettings.HostList> {
        @Override
        public CallbackSettings.HostList convert(String value) {
            return CallbackSettings.HostList.parse(value);
        }
    }

    /** An absolute http(s) URL without a path beyond {@code /}. */
    static final class BaseUrl implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            URI u;
            try {
                u = URI.create(value.trim());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a URL");
            }
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new TypeConversionException("'" + value + "' must be an http(s) URL such as https://calls.example.com");
            }
            String s = u.toString();
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }
    }
}
