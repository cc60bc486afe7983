package org.jlibp2p.pubsub;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;

/**
 * A published message as it travels (pubsub/README.md, "The Message"): {@code from} (the publisher's
 * peer id bytes), {@code data}, {@code seqno} (8 bytes, big-endian), {@code topic}, {@code signature}
 * and {@code key}. A field that is absent is {@code null}; presence matters, since the signature
 * covers the message as encoded.
 *
 * <pre>
 * message Message {
 *   optional bytes from = 1;
 *   optional bytes data = 2;
 *   optional bytes seqno = 3;
 *   required string topic = 4;
 *   optional bytes signature = 5;
 *   optional bytes key = 6;
 * }
 * </pre>
 *
 * @param from      the publisher's peer id bytes, or null (strict no-sign)
 * @param data      the payload, or null
 * @param seqno     the sequence number bytes, or null (strict no-sign)
 * @param topic     the topic
 * @param signature the signature, or null
 * @param key       the publisher's marshalled public key, or null when the peer id inlines it
 */
public record Message(byte[] from, byte[] data, byte[] seqno, String topic, byte[] signature, byte[] key) {
    /** The largest topic name accepted, in UTF-8 bytes (our bound; the spec has none, real topics are under 100). */
    public static final int MAX_TOPIC_BYTES = 1024;
    /** The largest {@code from} accepted: a peer id is a multihash of at most a few dozen bytes. */
    static final int MAX_FROM_BYTES = 128;
    /** The largest {@code seqno} accepted; the spec's is 8 bytes, and we read only those. */
    static final int MAX_SEQNO_BYTES = 64;
    /** The largest signature accepted: an RSA-8192 signature is 1 KiB. */
    static final int MAX_SIGNATURE_BYTES = 2048;

    /**
     * Checks the topic.
     *
     * @param from      see the record
     * @param data      see the record
     * @param seqno     see the record
     * @param topic     see the record
     * @param signature see the record
     * @param key       see the record
     */
    public Message {
        if (topic == null) {
            throw new IllegalArgumentException("a message needs a topic");
        }
    }

    /** {@return the payload; empty if the field was absent} */
    public byte[] payload() {
        return data == null ? new byte[0] : data.clone();
    }

    /** {@return the publisher, if the message names one and its bytes are a peer id} */
    public Optional<PeerId> publisher() {
        if (from == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(PeerId.fromBytes(from));
        } catch (MalformedMessageException e) {
            return Optional.empty();
        }
    }

    /** {@return the sequence number as an unsigned 64-bit value, from its last 8 bytes; empty if absent} */
    public Optional<Long> sequenceNumber() {
        if (seqno == null) {
            return Optional.empty();
        }
        long v = 0;
        for (int i = Math.max(0, seqno.length - 8); i < seqno.length; i++) {
            v = (v << 8) | (seqno[i] & 0xFF);
        }
        return Optional.of(v);
    }

    /** {@return the protobuf encoding} */
    public byte[] encode() {
        return writer(true).toByteArray();
    }

    /**
     * {@return the bytes a signature covers} pubsub/README.md, "Message Signing": the message
     * marshalled without its {@code signature} and {@code key} fields, after the prefix
     * {@code libp2p-pubsub:}.
     */
    byte[] signedBytes() {
        byte[] body = writer(false).toByteArray();
        byte[] out = new byte[SIGNING_PREFIX.length + body.length];
        System.arraycopy(SIGNING_PREFIX, 0, out, 0, SIGNING_PREFIX.length);
        System.arraycopy(body, 0, out, SIGNING_PREFIX.length, body.length);
        return out;
    }

    private static final byte[] SIGNING_PREFIX = "libp2p-pubsub:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    ProtobufWriter writer(boolean withSignature) {
        ProtobufWriter w = new ProtobufWriter();
        if (from != null) {
            w.writeBytes(1, from);
        }
        if (data != null) {
            w.writeBytes(2, data);
        }
        if (seqno != null) {
            w.writeBytes(3, seqno);
        }
        w.writeString(4, topic);
        if (withSignature && signature != null) {
            w.writeBytes(5, signature);
        }
        if (withSignature && key != null) {
            w.writeBytes(6, key);
        }
        return w;
    }

    /**
     * Decodes a message.
     *
     * @param bytes        the protobuf
     * @param maxDataBytes the largest payload accepted
     * @return the message
     * @throws MalformedMessageException if the protobuf is malformed, a field is over its bound, or the topic is missing
     */
    public static Message decode(byte[] bytes, int maxDataBytes) throws MalformedMessageException {
        ProtobufReader r = new ProtobufReader(bytes);
        byte[] from = null;
        byte[] data = null;
        byte[] seqno = null;
        String topic = null;
        byte[] signature = null;
        byte[] key = null;
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> from = r.readBytes(MAX_FROM_BYTES);
                case 2 -> data = r.readBytes(maxDataBytes);
                case 3 -> seqno = r.readBytes(MAX_SEQNO_BYTES);
                case 4 -> topic = r.readString(MAX_TOPIC_BYTES);
                case 5 -> signature = r.readBytes(MAX_SIGNATURE_BYTES);
                case 6 -> key = r.readBytes(org.jlibp2p.core.crypto.PublicKey.MAX_MARSHALLED_BYTES);
                default -> r.skip();
            }
        }
        if (topic == null) {
            throw new MalformedMessageException("pubsub message without a topic");
        }
        return new Message(from, data, seqno, topic, signature, key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && Arrays.equals(from, m.from) && Arrays.equals(data, m.data) && Arrays.equals(seqno, m.seqno)
                && topic.equals(m.topic) && Arrays.equals(signature, m.signature) && Arrays.equals(key, m.key);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * topic.hashCode() + Arrays.hashCode(data)) + Arrays.hashCode(seqno);
    }

    @Override
    public String toString() {
        return "Message[topic=" + topic + ", from=" + publisher().map(PeerId::toString).orElse("-")
                + ", seqno=" + sequenceNumber().map(Long::toUnsignedString).orElse("-")
                + ", " + (data == null ? 0 : data.length) + " bytes" + (signature == null ? "" : ", signed") + "]";
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
