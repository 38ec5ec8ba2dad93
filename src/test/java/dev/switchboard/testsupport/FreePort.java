package dev.switchboard.testsupport;

/** Prints a free loopback TCP port (for the bench scripts that start a redis-server). */
public final class FreePort {
    private FreePort() {
    }

    public static void main(String[] args) throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            System.out.println(s.getLocalPort());
        }
    }
}
