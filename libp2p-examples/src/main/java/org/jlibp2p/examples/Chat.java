package org.jlibp2p.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.ProtocolStream;

/**
 * {@code /chat/1.0.0}: UTF-8 lines, each ending in a newline, in both directions on one stream, as
 * in the seed's two-terminal chat.
 */
final class Chat {
    static final String PROTOCOL_ID = "/chat/1.0.0";
    static final int MAX_LINE = 64 * 1024;

    private Chat() {}

    /** {@return a peer id shortened as go-libp2p's {@code ShortString} does: {@code 12*Ab3XyZ}} */
    static String shortId(PeerId peer) {
        String id = peer.toString();
        return id.length() <= 8 ? id : id.substring(0, 2) + "*" + id.substring(id.length() - 6);
    }

    /**
     * Bridges a stream and a terminal until the remote ends: typed lines go out (the end of
     * {@code typed}, Ctrl-D, closes our side), received lines are handed to {@code onLine}. Returns
     * when the remote closes its side: the peer left.
     */
    static void converse(ProtocolStream stream, InputStream typed, Consumer<String> onLine) throws Exception {
        stream.setReadTimeout(java.time.Duration.ZERO); // a person may stay silent for long: no idle timeout
        Thread sender = Thread.ofVirtual().name("chat-sender").start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(typed, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    stream.out().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    stream.out().flush();
                }
                stream.closeWrite();
            } catch (IOException e) {
                // the stream or the terminal ended
            }
        });
        try {
            InputStream received = new java.io.BufferedInputStream(stream.in());
            for (String line; (line = readLine(received)) != null; ) {
                onLine.accept(line);
            }
        } finally {
            sender.interrupt();
        }
    }

    /** One line from the remote, bounded: a line longer than {@link #MAX_LINE} bytes is refused, not buffered. */
    private static String readLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new java.net.ProtocolException("chat: line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
