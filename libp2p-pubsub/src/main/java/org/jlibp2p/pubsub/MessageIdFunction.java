package org.jlibp2p.pubsub;

/**
 * Computes a message's id (pubsub/README.md, "Message Identification"). The default is
 * {@link #FROM_AND_SEQNO}; an application whose messages carry no {@code from} and {@code seqno}
 * (strict no-sign, as Ethereum publishes) gives its own, such as a hash of the data. Every node of a
 * network must compute the same ids, or IHAVE / IWANT / IDONTWANT miss.
 */
@FunctionalInterface
public interface MessageIdFunction {
    /** The default id: {@code from} followed by {@code seqno}, the bytes go-libp2p-pubsub's {@code DefaultMsgIdFn} joins. */
    MessageIdFunction FROM_AND_SEQNO = m -> {
        byte[] from = m.from() == null ? new byte[0] : m.from();
        byte[] seqno = m.seqno() == null ? new byte[0] : m.seqno();
        byte[] id = new byte[from.length + seqno.length];
        System.arraycopy(from, 0, id, 0, from.length);
        System.arraycopy(seqno, 0, id, from.length, seqno.length);
        return MessageId.wrap(id);
    };

    /**
     * js-libp2p's default id for signed messages ({@code @libp2p/gossipsub}, {@code msgIdFnStrictSign}):
     * the publisher's protobuf public key followed by the seqno. For an Ed25519 peer these are the
     * bytes of {@link #FROM_AND_SEQNO} without the peer id's two-byte identity multihash prefix. A
     * network that mixes go and js nodes has both: delivery through the mesh works, but the gossip
     * (IHAVE / IWANT / IDONTWANT) of one side names ids the other does not know.
     */
    MessageIdFunction PUBLIC_KEY_AND_SEQNO = m -> {
        byte[] key = m.key();
        if (key == null) {
            try {
                key = m.publisher().flatMap(p -> {
                    try {
                        return p.extractPublicKey();
                    } catch (org.jlibp2p.core.MalformedMessageException e) {
                        return java.util.Optional.empty();
                    }
                }).map(org.jlibp2p.core.crypto.PublicKey::marshal).orElse(new byte[0]);
            } catch (RuntimeException e) {
                key = new byte[0];
            }
        }
        byte[] seqno = m.seqno() == null ? new byte[0] : m.seqno();
        byte[] id = new byte[key.length + seqno.length];
        System.arraycopy(key, 0, id, 0, key.length);
        System.arraycopy(seqno, 0, id, key.length, seqno.length);
        return MessageId.wrap(id);
    };

    /**
     * Computes an id.
     *
     * @param message the message
     * @return its id
     */
    MessageId apply(Message message);
}
