package dev.switchboard.media.webrtc;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The source addresses that passed one leg's ICE checks, as {@link WebRtcDemux} routes them: the addresses of the
 * leg's {@link IceLiteResponder} candidate pairs, at most {@link IceLiteResponder#MAX_PAIRS}. Which one is forgotten
 * to make room is the responder's choice ({@link IceLiteResponder#takeForgotten}); this only mirrors it.
 *
 * <p>Threads: {@link #contains}, {@link #add} and {@link #remove} on the WebRTC port's packet thread only;
 * {@link #forEach} from any thread (a leg's unregistration). An address keeps its slot while it is held, and the slots
 * are volatile, so an unregistration sees every address the packet thread routed before it (the demux's ordering
 * argument). Allocates nothing.
 */
final class CheckedAddresses {
    private final AtomicReferenceArray<InetSocketAddress> slots = new AtomicReferenceArray<>(IceLiteResponder.MAX_PAIRS);

    boolean contains(InetSocketAddress address) {
        for (int i = 0; i < slots.length(); i++) {
            if (address.equals(slots.get(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds an address not {@link #contains contained} yet.
     *
     * @return false when all slots are taken (never, while this mirrors the responder, which made room first)
     */
    boolean add(InetSocketAddress address) {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == null) {
                slots.set(i, address);
                return true;
            }
        }
        return false;
    }

    /** Forgets an address (the responder forgot its pair). */
    void remove(InetSocketAddress address) {
        for (int i = 0; i < slots.length(); i++) {
            if (address.equals(slots.get(i))) {
                slots.set(i, null);
                return;
            }
        }
    }

    /** Every address held; any thread. */
    void forEach(Consumer<InetSocketAddress> action) {
        for (int i = 0; i < slots.length(); i++) {
            InetSocketAddress a = slots.get(i);
            if (a != null) {
                action.accept(a);
            }
        }
    }
}
