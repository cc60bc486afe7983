package org.jlibp2p.core.record;

import org.jlibp2p.core.MalformedMessageException;

/**
 * A signed envelope whose signature does not certify what it is presented as: the signature does not
 * verify for the expected domain (RFC/0002-signed-envelopes.md, "Signature Production / Verification"),
 * or, as {@link SignerMismatchException}, it verifies but was made by a key other than the one the
 * payload names.
 *
 * <p>The envelope is discarded: "If the signature is invalid, the envelope MUST be discarded without
 * deserializing the envelope payload" (RFC/0003-routing-records.md, "Certification / Verification").
 */
public class InvalidSignatureException extends MalformedMessageException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what did not verify
     */
    public InvalidSignatureException(String message) {
        super(message);
    }
}
