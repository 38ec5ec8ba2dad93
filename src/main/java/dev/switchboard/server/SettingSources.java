package dev.switchboard.server;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a {@code serve} setting comes from when its flag is not given (picocli's default-value provider, so every
 * value passes the option's type converter whatever its source): the environment variable {@code SWITCHBOARD_} +
 * the flag in upper case with {@code _} (e.g. {@code SWITCHBOARD_MEDIA_PORTS}), else the {@code "server"} object of
 * the configuration file (the flag in camelCase, e.g. {@code "mediaPorts"}), else the option's own default.
 * Every option of {@code serve} is a setting except the ones in {@link #NOT_SETTINGS}; {@code --config} itself comes
 * from its flag or {@code SWITCHBOARD_CONFIG} only.
 */
final class SettingSources implements IDefaultValueProvider {
    static final Set<String> NOT_SETTINGS = Set.of("help", "version", "print-config");

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || !(arg.command().userObject() instanceof ServeCommand serve)) {
            return null;
        }
        String flag = flagName(option);
        if (NOT_SETTINGS.contains(flag)) {
            return null;
        }
        String env = serve.environment.get(envName(flag));
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        if ("config".equals(flag)) {
            return null;
        }
        ConfigFile file = serve.configFile();
        return file == null ? null : file.serverSetting(jsonName(flag));
    }

    /** The options of {@code serve} that are settings. */
    static List<OptionSpec> settings(CommandSpec serve) {
        List<OptionSpec> out = new ArrayList<>();
        for (OptionSpec o : serve.options()) {
            if (!NOT_SETTINGS.contains(flagName(o))) {
                out.add(o);
            }
        }
        return out;
    }

    /** The keys the config file's {@code "server"} object may use: every setting but {@code config}. */
    static List<String> serverKeys(CommandSpec serve) {
        List<String> keys = new ArrayList<>();
        for (OptionSpec o : settings(serve)) {
            if (!"config".equals(flagName(o))) {
                keys.add(jsonName(flagName(o)));
            }
        }
        return keys;
    }

    static String flagName(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    static String envName(String flagName) {
        return "SWITCHBOARD_" + flagName.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    static String jsonName(String flagName) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : flagName.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }
}
