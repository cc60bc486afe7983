package org.jlibp2p.pubsub;

import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PublicKey;

/**
 * Message signatures (pubsub/README.md, "Message Signing"): the publisher signs
 * {@code "libp2p-pubsub:" || Message} with the {@code signature} and {@code key} fields left out; the
 * key is the one {@code from} inlines or, when it cannot be inlined, the one in {@code key}, which
 * must hash to {@code from}.
 */
final class Signing {
    private Signing() {}

    /**
     * Checks a received message against the policy.
     *
     * @return null if the message conforms, else why not
     */
    static String check(Message m, SignaturePolicy policy) {
        if (policy == SignaturePolicy.STRICT_NO_SIGN) {
            // "StrictNoSign: ... MUST NOT produce the signature, key, from and seqno fields ... MUST reject messages with them"
            if (m.signature() != null || m.key() != null || m.from() != null || m.seqno() != null) {
                return "a strict no-sign message carries from, seqno, signature or key";
            }
            return null;
        }
        if (m.from() == null || m.seqno() == null || m.signature() == null) {
            return "an unsigned message where signatures are required";
        }
        if (m.seqno().length != 8) {
            return "a seqno of " + m.seqno().length + " bytes, not 8";
        }
        PeerId from;
        try {
            from = PeerId.fromBytes(m.from());
        } catch (MalformedMessageException e) {
            return "a from that is no peer id";
        }
        Optional<PublicKey> key;
        try {
            if (m.key() != null) {
                PublicKey k = PublicKey.unmarshal(m.key());
                if (!from.matches(k)) {
                    return "a key that does not match from";
                }
                key = Optional.of(k);
            } else {
                key = from.extractPublicKey();
            }
        } catch (MalformedMessageException e) {
            return "a malformed key";
        }
        if (key.isEmpty()) {
            return "no key: from does not inline one and the key field is absent";
        }
        if (!key.get().verify(m.signedBytes(), m.signature())) {
            return "a signature that does not verify";
        }
        return null;
    }
}
