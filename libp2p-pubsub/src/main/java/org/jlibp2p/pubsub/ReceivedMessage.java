package org.jlibp2p.pubsub;

import java.util.Optional;
import org.jlibp2p.core.PeerId;

/**
 * A message delivered to a subscription: validated, with its id and the peer it came from.
 *
 * @param id           its id
 * @param message      the message
 * @param receivedFrom the peer that sent it to us: the publisher or a forwarder (ourselves for our own)
 */
public record ReceivedMessage(MessageId id, Message message, PeerId receivedFrom) {
    /** {@return the topic} */
    public String topic() {
        return message.topic();
    }

    /** {@return the payload} */
    public byte[] data() {
        return message.payload();
    }

    /** {@return the publisher, when the message names one (strict sign)} */
    public Optional<PeerId> from() {
        return message.publisher();
    }
}
