package org.jlibp2p.core;

/**
 * Which side of a connection this node is on. The initiator dialed; the responder accepted. Protocols
 * that are asymmetric use it: Noise (who sends the first message), Yamux (odd or even stream ids),
 * multistream-select (who proposes).
 */
public enum Role {
    /** The side that opened the connection. */
    INITIATOR,
    /** The side that accepted it. */
    RESPONDER
}
