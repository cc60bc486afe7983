package org.jlibp2p.testing;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.MuxedStream;

/** The remote end that muxer tests talk to: it accepts every stream and echoes it. */
public final class EchoStreams {
    private EchoStreams() {}

    /**
     * Accepts the streams the other side opens on {@code server}, each echoed on a task of its own
     * and closed when its input ends, until the session ends or the executor stops.
     *
     * @param server   the session to accept streams on
     * @param executor runs the accepting loop and the echoes
     */
    public static void serve(MuxedSession server, ExecutorService executor) {
        executor.submit(() -> {
            while (true) {
                MuxedStream s = server.acceptStream(Duration.ZERO);
                executor.submit(() -> {
                    s.in().transferTo(s.out());
                    s.close();
                    return null;
                });
            }
        });
    }
}
