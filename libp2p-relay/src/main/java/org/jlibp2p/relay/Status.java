package org.jlibp2p.relay;

import java.util.Optional;

/**
 * The status codes of circuit relay v2 (relay/circuit-v2.md, "Protobuf", {@code enum Status}): the
 * answer of a relay to a hop request, and of a target to a stop request.
 */
public enum Status {
    /** The request succeeded. */
    OK(100),
    /** A reservation was refused for a reason other than an ACL: the relay has too many reservations, or too many from that address. */
    RESERVATION_REFUSED(200),
    /** Too many relayed connections: through the relay, from the initiator or to the target. */
    RESOURCE_LIMIT_EXCEEDED(201),
    /** Refused by the relay's access control, or because the request came over a relayed connection. */
    PERMISSION_DENIED(202),
    /** The relay could not open the stop stream to the target, or the target refused it. */
    CONNECTION_FAILED(203),
    /** The target of a connect request holds no reservation (or no connection) on the relay. */
    NO_RESERVATION(204),
    /** The request did not decode, or lacked a required field. */
    MALFORMED_MESSAGE(400),
    /** The request was of a type the other side does not take there (a STATUS sent as a request). */
    UNEXPECTED_MESSAGE(401);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** {@return the code on the wire} */
    public int code() {
        return code;
    }

    /**
     * The status of a code.
     *
     * @param code a code from the wire
     * @return its status, or empty for a code this version does not know
     */
    public static Optional<Status> fromCode(long code) {
        for (Status s : values()) {
            if (s.code == code) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
