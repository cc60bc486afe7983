package org.jlibp2p.pubsub;

/**
 * How messages are signed and what is accepted (pubsub/README.md, "Signature Policy Options").
 */
public enum SignaturePolicy {
    /**
     * Every message we publish carries {@code from}, {@code seqno} and {@code signature} (and
     * {@code key} when the peer id does not inline it); every message we receive must carry them and
     * verify, or it is rejected. The default, as in go, js and rust.
     */
    STRICT_SIGN,
    /**
     * Messages carry no {@code from}, {@code seqno}, {@code signature} or {@code key}; a received
     * message with any of them is rejected. Ids must then come from the data: give a
     * {@link MessageIdFunction}. What Ethereum uses.
     */
    STRICT_NO_SIGN
}
