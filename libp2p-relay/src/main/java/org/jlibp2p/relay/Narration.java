package org.jlibp2p.relay;

import java.lang.System.Logger.Level;
import java.util.function.Supplier;
import org.jlibp2p.core.PeerId;

/**
 * The relay's part of {@code --trace}: every hop and stop message as it is sent or received, and the
 * steps between them (relay/circuit-v2.md, "Interaction"), at TRACE on the {@code org.jlibp2p.relay}
 * logger. Read with the other layers' narration, a relayed dial tells itself: the client's HOP
 * CONNECT, the relay's STOP CONNECT to the target and its STATUS, the relay's HOP STATUS, then
 * multistream, Noise and Yamux running again inside the circuit.
 */
final class Narration {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.relay");

    private Narration() {}

    /** Narrates a message we send to {@code peer}. */
    static void sent(PeerId peer, Object message) {
        if (LOG.isLoggable(Level.TRACE)) {
            LOG.log(Level.TRACE, "relay -> " + peer + ": " + message);
        }
    }

    /** Narrates a message we received from {@code peer}. */
    static void received(PeerId peer, Object message) {
        if (LOG.isLoggable(Level.TRACE)) {
            LOG.log(Level.TRACE, "relay <- " + peer + ": " + message);
        }
    }

    /** Narrates a step between messages. */
    static void step(Supplier<String> what) {
        if (LOG.isLoggable(Level.TRACE)) {
            LOG.log(Level.TRACE, "relay: " + what.get());
        }
    }
}
