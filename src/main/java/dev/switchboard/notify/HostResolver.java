package dev.switchboard.notify;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves a callback host to the addresses a connection could reach. The seam lets tests change DNS. */
@FunctionalInterface
interface HostResolver {
    HostResolver SYSTEM = InetAddress::getAllByName;

    /** @throws UnknownHostException when the name does not resolve (a transient condition at send time) */
    InetAddress[] resolve(String host) throws UnknownHostException;
}
