package org.jlibp2p.core.codec;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import org.jlibp2p.core.MessageTooLargeException;

/**
 * Varint-length-prefixed messages: {@code uvarint(length) || bytes}, the framing libp2p uses for
 * identify, multistream-select and most request/response protocols.
 *
 * <p>The reader checks the announced length against the caller's limit <em>before</em> it allocates,
 * so a peer cannot make us reserve memory by announcing a huge message.
 */
public final class LengthPrefixed {
    private LengthPrefixed() {}

    /**
     * Reads one message.
     *
     * @param in        the stream (buffered, since the varint is read byte by byte)
     * @param maxLength the largest length accepted
     * @return the message bytes
     * @throws MessageTooLargeException if the announced length is over {@code maxLength}
     * @throws EOFException             if the stream ends before the whole message arrived
     * @throws IOException              if the stream fails or the varint is malformed
     */
    public static byte[] read(InputStream in, int maxLength) throws IOException {
        long length = Varint.read(in);
        if (length > maxLength) {
            throw new MessageTooLargeException("length-prefixed message", length, maxLength);
        }
        byte[] message = in.readNBytes((int) length);
        if (message.length < length) {
            throw new EOFException("end of stream after " + message.length + " of " + length + " message bytes");
        }
        return message;
    }

    /**
     * Reads one message, or learns that the sender has finished.
     *
     * @param in        the stream
     * @param maxLength the largest length accepted
     * @return the message bytes, or null if the stream ended cleanly before the message began
     * @throws IOException as {@link #read(InputStream, int)}, including an end of stream inside a message
     */
    public static byte[] readIfPresent(InputStream in, int maxLength) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        PushbackInputStream again = new PushbackInputStream(in, 1);
        again.unread(first);
        return read(again, maxLength);
    }

    /**
     * Writes one message (without flushing).
     *
     * @param out     the stream
     * @param message the message bytes
     * @throws IOException if the stream fails
     */
    public static void write(OutputStream out, byte[] message) throws IOException {
        byte[] frame = new byte[Varint.encodedLength(message.length) + message.length];
        int n = Varint.write(message.length, frame, 0);
        System.arraycopy(message, 0, frame, n, message.length);
        out.write(frame);
    }
}
