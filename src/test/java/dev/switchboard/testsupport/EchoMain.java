package dev.switchboard.testsupport;

/** The main class of a stand-in jar for script tests: prints its arguments. */
public final class EchoMain {
    private EchoMain() {
    }

    public static void main(String[] args) {
        System.out.println("echo " + String.join(" ", args));
    }
}
