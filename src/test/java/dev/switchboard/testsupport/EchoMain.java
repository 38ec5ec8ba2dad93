package dev.switchboard.testsupport;

/** The main class of a stand-in jar for script tests: prints its arguments (and, with ECHO_JVM_OPTIONS set, its JVM's). */
public final class EchoMain {
    private EchoMain() {
    }

    public static void main(String[] args) {
        System.out.println("echo " + String.join(" ", args));
        if (System.getenv("ECHO_JVM_OPTIONS") != null) {
            System.out.println("jvm " + String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
            System.out.println("jar " + System.getProperty("java.class.path"));
        }
    }
}
