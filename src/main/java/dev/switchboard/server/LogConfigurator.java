package dev.switchboard.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's first configurator (a {@code java.util.ServiceLoader} provider, found by logback when the first logger
 * is made): configures {@link LogFormat#TEXT} in code, so logback's XML configurator and the JDK's XML parser are
 * never loaded — unless the user brought a configuration ({@link #userConfiguration()}), which logback then reads
 * as usual. Instantiated by logback on the thread that first asks for a logger; stateless.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    /** Logback's own system property naming a configuration file (or URL). */
    static final String CONFIG_FILE_PROPERTY = "logback.configurationFile";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (userConfiguration() != null) {
            return ExecutionStatus.NEUTRAL; // logback's own configurators read it
        }
        LogFormat.TEXT.configure(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Where the user's logback configuration is, or null when there is none: the system property
     * {@code logback.configurationFile}, else a {@code logback-test.xml} or {@code logback.xml} on the class path
     * (the jar carries neither), the places logback itself looks.
     */
    static String userConfiguration() {
        String property = System.getProperty(CONFIG_FILE_PROPERTY);
        if (property != null && !property.isBlank()) {
            return property;
        }
        ClassLoader loader = LogConfigurator.class.getClassLoader();
        for (String name : new String[] {"logback-test.xml", "logback.xml"}) {
            java.net.URL url = loader.getResource(name);
            if (url != null) {
                return url.toString();
            }
        }
        return null;
    }
}
