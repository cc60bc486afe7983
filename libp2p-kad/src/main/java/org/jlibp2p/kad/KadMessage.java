package org.jlibp2p.kad;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;

/**
 * A DHT message, request or response (kad-dht/README.md, "RPC messages"), sent length-prefixed
 * with an unsigned varint.
 *
 * <pre>
 * message Message {
 *   enum MessageType { PUT_VALUE = 0; GET_VALUE = 1; ADD_PROVIDER = 2; GET_PROVIDERS = 3; FIND_NODE = 4; PING = 5; }
 *   MessageType type = 1;
 *   int32 clusterLevelRaw = 10;    // unused
 *   bytes key = 2;
 *   Record record = 3;
 *   repeated Peer closerPeers = 8;
 *   repeated Peer providerPeers = 9;
 * }
 * </pre>
 *
 * @param type          the request type, echoed in the response
 * @param key           the key (a peer id for FIND_NODE, a multihash for providers, a record key)
 * @param record        the record of PUT_VALUE, and of a GET_VALUE response that has one
 * @param closerPeers   peers closer to the key, in responses
 * @param providerPeers providers: the sender in ADD_PROVIDER, the ones known in a GET_PROVIDERS response
 */
public record KadMessage(Type type, byte[] key, Optional<KadRecord> record, List<KadPeer> closerPeers, List<KadPeer> providerPeers) {
    /**
     * The largest message read: go-libp2p-kad-dht reads with go-msgio capped at
     * {@code network.MessageSizeMax}, 4 MiB; js-libp2p's length-prefixed reader allows the same.
     */
    public static final int MAX_MESSAGE_BYTES = 4 << 20;
    /** The largest key or peer id accepted in a message (go caps keys by the message only; this is far above any real one). */
    public static final int MAX_KEY_BYTES = 1024;

    /** {@code Message.MessageType}. */
    public enum Type {
        /** Store a record. */
        PUT_VALUE,
        /** Fetch a record and closer peers. */
        GET_VALUE,
        /** Announce the sender as a provider of a key. */
        ADD_PROVIDER,
        /** Fetch providers of a key and closer peers. */
        GET_PROVIDERS,
        /** Fetch the peers closest to a key. */
        FIND_NODE,
        /** Deprecated by the spec; answered with an empty PING as go does. */
        PING
    }

    /**
     * Copies the lists.
     *
     * @param type          the type
     * @param key           the key
     * @param record        the record, if any
     * @param closerPeers   closer peers
     * @param providerPeers providers
     */
    public KadMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(record, "record");
        closerPeers = List.copyOf(closerPeers);
        providerPeers = List.copyOf(providerPeers);
    }

    /**
     * A request that carries only a key: FIND_NODE, GET_VALUE, GET_PROVIDERS.
     *
     * @param type the type
     * @param key  the key
     * @return the message
     */
    public static KadMessage request(Type type, byte[] key) {
        return new KadMessage(type, key, Optional.empty(), List.of(), List.of());
    }

    /** {@return the protobuf encoding} */
    public byte[] encode() {
        ProtobufWriter w = new ProtobufWriter();
        if (type != Type.PUT_VALUE) {
            w.writeVarint(1, type.ordinal()); // proto3: the default value is not written
        }
        if (key.length > 0) {
            w.writeBytes(2, key);
        }
        record.ifPresent(r -> w.writeMessage(3, r.writer()));
        closerPeers.forEach(p -> w.writeMessage(8, p.writer()));
        providerPeers.forEach(p -> w.writeMessage(9, p.writer()));
        return w.toByteArray();
    }

    /**
     * Decodes a message.
     *
     * @param bytes the protobuf encoding
     * @return the message
     * @throws MalformedMessageException if the protobuf is malformed, the type unknown or a field too long
     */
    public static KadMessage decode(byte[] bytes) throws MalformedMessageException {
        Type type = Type.PUT_VALUE;
        byte[] key = new byte[0];
        KadRecord record = null;
        List<KadPeer> closer = new ArrayList<>();
        List<KadPeer> providers = new ArrayList<>();
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> {
                    long t = r.readVarint();
                    if (t < 0 || t >= Type.values().length) {
                        throw new MalformedMessageException("kad message type " + Long.toUnsignedString(t) + " is unknown");
                    }
                    type = Type.values()[(int) t];
                }
                case 2 -> key = r.readBytes(MAX_KEY_BYTES);
                case 3 -> record = KadRecord.decode(r.readBytes(MAX_MESSAGE_BYTES));
                case 8 -> closer.add(KadPeer.decode(r.readBytes(MAX_MESSAGE_BYTES)));
                case 9 -> providers.add(KadPeer.decode(r.readBytes(MAX_MESSAGE_BYTES)));
                default -> r.skip();
            }
        }
        return new KadMessage(type, key, Optional.ofNullable(record), closer, providers);
    }

    /**
     * Reads one length-prefixed message.
     *
     * @param in the stream
     * @return the message
     * @throws IOException if the stream fails or ends early, or the message is malformed or over
     *                     {@value #MAX_MESSAGE_BYTES} bytes
     */
    public static KadMessage read(InputStream in) throws IOException {
        return decode(LengthPrefixed.read(in, MAX_MESSAGE_BYTES));
    }

    /**
     * Writes this message length-prefixed and flushes.
     *
     * @param out the stream
     * @throws IOException if the stream fails
     */
    public void write(OutputStream out) throws IOException {
        LengthPrefixed.write(out, encode());
        out.flush();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadMessage m && type == m.type && Arrays.equals(key, m.key) && record.equals(m.record)
                && closerPeers.equals(m.closerPeers) && providerPeers.equals(m.providerPeers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(key), record, closerPeers, providerPeers);
    }

    @Override
    public String toString() {
        return "KadMessage[" + type + " key=" + printable(key) + record.map(r -> " " + r).orElse("")
                + (closerPeers.isEmpty() ? "" : " closer=" + closerPeers.size()) + (providerPeers.isEmpty() ? "" : " providers=" + providerPeers.size()) + "]";
    }

    /** A key as text when it is printable ASCII, else hex; shortened. */
    static String printable(byte[] key) {
        boolean text = key.length > 0;
        for (byte b : key) {
            text &= b >= 0x20 && b < 0x7f;
        }
        String s = text ? new String(key, StandardCharsets.US_ASCII) : HexFormat.of().formatHex(key);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
