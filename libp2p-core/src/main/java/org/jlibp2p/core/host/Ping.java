package org.jlibp2p.core.host;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ping protocol, {@code /ipfs/ping/1.0.0} (libp2p/specs ping/ping.md): the dialer sends 32 random
 * bytes, the listener echoes them, as often as the dialer likes on one stream. The round trip time is
 * what it measures.
 */
public final class Ping {
    /** The protocol id. */
    public static final String PROTOCOL_ID = "/ipfs/ping/1.0.0";
    /** "The dialing peer MUST ... send 32 bytes of random binary data". */
    public static final int PAYLOAD_LENGTH = 32;
    /** "The listener SHOULD accept at most 2 ping streams per peer" (ping/ping.md); js resets the third. */
    public static final int MAX_STREAMS_PER_PEER = 2;
    /** How long one ping may wait for its echo (go-libp2p: 10 s). */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Ping() {}

    /** The responder: echo 32-byte payloads until the dialer closes its side. */
    static final StreamHandler HANDLER = stream -> {
        InputStream in = stream.in();
        byte[] payload = new byte[PAYLOAD_LENGTH];
        stream.setReadTimeout(Duration.ofSeconds(60)); // an idle ping stream is closed after a minute
        while (true) {
            int n = in.readNBytes(payload, 0, PAYLOAD_LENGTH);
            if (n == 0) {
                return;
            }
            if (n < PAYLOAD_LENGTH) {
                throw new ProtocolException("ping: stream ended after " + n + " of 32 bytes");
            }
            stream.out().write(payload);
            stream.out().flush();
        }
    };

    /**
     * Pings over an open ping stream.
     *
     * @param stream a stream that agreed on {@link #PROTOCOL_ID}
     * @param count  how many pings
     * @return the round trip time of each
     * @throws IOException if the echo does not arrive within {@link #TIMEOUT} or differs
     */
    public static List<Duration> ping(ProtocolStream stream, int count) throws IOException {
        SecureRandom random = new SecureRandom();
        byte[] payload = new byte[PAYLOAD_LENGTH];
        List<Duration> rtts = new ArrayList<>(count);
        stream.setReadTimeout(TIMEOUT);
        for (int i = 0; i < count; i++) {
            random.nextBytes(payload);
            long start = System.nanoTime();
            stream.out().write(payload);
            stream.out().flush();
            byte[] echo = stream.in().readNBytes(PAYLOAD_LENGTH);
            long rtt = System.nanoTime() - start;
            if (!Arrays.equals(echo, payload)) {
                throw new ProtocolException("ping: the echo differs from what was sent");
            }
            rtts.add(Duration.ofNanos(rtt));
        }
        return rtts;
    }
}
