package org.jlibp2p.core.record;

import org.jlibp2p.core.PeerId;

/**
 * An envelope with a valid signature over a record about another peer: "If the public key in the
 * envelope cannot derive the peer id contained in the routing state record, the RoutingState MUST be
 * discarded" (RFC/0003-routing-records.md, "Certification / Verification"). A peer may only certify
 * its own addresses.
 */
public class SignerMismatchException extends InvalidSignatureException {
    private static final long serialVersionUID = 1L;

    /** The peer the record is about. */
    private final transient PeerId subject;
    /** The peer whose key signed the envelope. */
    private final transient PeerId signer;

    /**
     * Creates the exception.
     *
     * @param subject the peer the record is about
     * @param signer  the peer whose key signed the envelope
     */
    public SignerMismatchException(PeerId subject, PeerId signer) {
        super("the record of peer " + subject + " is signed by " + signer + ", not by that peer");
        this.subject = subject;
        this.signer = signer;
    }

    /** {@return the peer the record is about} */
    public PeerId subject() {
        return subject;
    }

    /** {@return the peer whose key signed the envelope} */
    public PeerId signer() {
        return signer;
    }
}
