package org.jlibp2p.examples;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.StreamHandler;

/**
 * {@code /kv/1.0.0}: a tiny key-value store, one request per stream (the seed's "DHT node", renamed so
 * that it is never mistaken for Kademlia). Request: opcode (1 PUT, 2 GET), u16 key length, key, and
 * for PUT a u32 value length and the value. Response: status (0 OK, 1 NOT FOUND, 2 REFUSED), and for
 * a found GET a u32 length and the value.
 */
final class KeyValue {
    static final String PROTOCOL_ID = "/kv/1.0.0";
    static final int PUT = 1;
    static final int GET = 2;
    static final int OK = 0;
    static final int NOT_FOUND = 1;
    static final int REFUSED = 2;
    static final int MAX_KEY = 1024;
    static final int MAX_VALUE = 1024 * 1024;
    static final int MAX_ENTRIES = 10_000;
    /** All values together: a PUT that would pass it is refused (10,000 values of 1 MiB would be 10 GiB). */
    static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;

    private final Map<String, byte[]> store = new ConcurrentHashMap<>();
    private final long maxTotalBytes;
    /** Guards the total with the store: a PUT checks and adds in one step. */
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private long totalBytes;

    KeyValue() {
        this(MAX_TOTAL_BYTES);
    }

    KeyValue(long maxTotalBytes) {
        this.maxTotalBytes = maxTotalBytes;
    }

    /** Stores a value unless the entry count or the byte total would pass its bound; {@return OK or REFUSED} */
    private int store(String key, byte[] value) {
        lock.lock();
        try {
            byte[] old = store.get(key);
            long total = totalBytes - (old == null ? 0 : old.length) + value.length;
            if ((old == null && store.size() >= MAX_ENTRIES) || total > maxTotalBytes) {
                return REFUSED;
            }
            store.put(key, value);
            totalBytes = total;
            return OK;
        } finally {
            lock.unlock();
        }
    }

    StreamHandler handler() {
        return stream -> {
            stream.setReadTimeout(Main.STREAM_IDLE_TIMEOUT);
            DataInputStream in = new DataInputStream(stream.in());
            DataOutputStream out = new DataOutputStream(stream.out());
            int op = in.readUnsignedByte();
            String key = readKey(in);
            if (op == PUT) {
                byte[] value = readValue(in);
                out.writeByte(store(key, value));
            } else if (op == GET) {
                byte[] value = store.get(key);
                if (value == null) {
                    out.writeByte(NOT_FOUND);
                } else {
                    out.writeByte(OK);
                    out.writeInt(value.length);
                    out.write(value);
                }
            } else {
                throw new ProtocolException("kv: unknown opcode " + op);
            }
            out.flush();
            stream.closeWrite();
        };
    }

    static int put(ProtocolStream stream, String key, byte[] value) throws IOException {
        DataOutputStream out = new DataOutputStream(stream.out());
        out.writeByte(PUT);
        writeKey(out, key);
        out.writeInt(value.length);
        out.write(value);
        stream.closeWrite();
        return new DataInputStream(stream.in()).readUnsignedByte();
    }

    /** {@return the value, or null if the key is unknown} */
    static byte[] get(ProtocolStream stream, String key) throws IOException {
        DataOutputStream out = new DataOutputStream(stream.out());
        out.writeByte(GET);
        writeKey(out, key);
        stream.closeWrite();
        DataInputStream in = new DataInputStream(stream.in());
        int status = in.readUnsignedByte();
        return status == OK ? readValue(in) : null;
    }

    private static void writeKey(DataOutputStream out, String key) throws IOException {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (k.length > MAX_KEY) {
            throw new IllegalArgumentException("key longer than " + MAX_KEY + " bytes");
        }
        out.writeShort(k.length);
        out.write(k);
    }

    private static String readKey(DataInputStream in) throws IOException {
        int length = in.readUnsignedShort();
        if (length > MAX_KEY) {
            throw new ProtocolException("kv: key of " + length + " bytes");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static byte[] readValue(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_VALUE) {
            throw new ProtocolException("kv: value of " + length + " bytes");
        }
        byte[] value = in.readNBytes(length);
        if (value.length < length) {
            throw new java.io.EOFException("kv: value truncated");
        }
        return value;
    }
}
