package dev.switchboard.media.webrtc;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The source addresses that passed one leg's ICE checks, as {@link WebRtcDemux} routes them: at most
 * {@link IceLiteResponder#MAX_PAIRS}, the oldest forgotten first to make room, exactly as the leg's
 * {@link IceLiteResponder} keeps its candidate pairs (both see the same passed checks, so both hold the same addresses).
 *
 * <p>Threads: {@link #contains} and {@link #add} on the WebRTC port's packet thread only; {@link #forEach} from any
 * thread (a leg's unregistration). The slots are volatile so that an unregistration sees every address the packet
 * thread routed before it (the demux's ordering argument). Allocates nothing.
 */
final class CheckedAddresses {
    private final AtomicReferenceArray<InetSocketAddress> slots = new AtomicReferenceArray<>(IceLiteResponder.MAX_PAIRS);
    private int count;
    private int oldest;

    boolean contains(InetSocketAddress address) {
        for (int i = 0; i < count; i++) {
            if (address.equals(slots.get(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds an address not {@link #contains contained} yet.
     *
     * @return the address forgotten to make room for it, or null when there was room
     */
    InetSocketAddress add(InetSocketAddress address) {
        if (count < IceLiteResponder.MAX_PAIRS) {
            slots.set(count++, address);
            return null;
        }
        InetSocketAddress forgotten = slots.get(oldest);
        slots.set(oldest, address);
        oldest = (oldest + 1) % IceLiteResponder.MAX_PAIRS;
        return forgotten;
    }

    /** Every address held, oldest or not; any thread. */
    void forEach(Consumer<InetSocketAddress> action) {
        for (int i = 0; i < slots.length(); i++) {
            InetSocketAddress a = slots.get(i);
            if (a != null) {
                action.accept(a);
            }
        }
    }
}
