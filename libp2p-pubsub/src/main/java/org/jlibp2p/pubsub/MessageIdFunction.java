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
     * Computes an id.
     *
     * @param message the message
     * @return its id
     */
    MessageId apply(Message message);
}
