package org.jlibp2p.kad;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.host.ServiceContext;

/**
 * One request to each of a few peers at once, as a PUT_VALUE to the k closest or an ADD_PROVIDER to
 * them is sent (kad-dht/README.md, "Value storage" and "Content provider advertisement"): one
 * virtual thread per peer, and the count of those that succeeded.
 */
final class Fanout {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.kad");

    private Fanout() {}

    /** One request to a peer, true if it succeeded. */
    @FunctionalInterface
    interface PeerRequest {
        boolean send(KadPeer peer) throws IOException;
    }

    /**
     * Sends to each peer at once and counts the successes.
     *
     * @param ctx            where the threads come from
     * @param peers          the peers, at most k
     * @param request        what each is sent
     * @param requestTimeout each request's own deadline; the wait for all is twice this, a guard against a stuck dial
     * @return how many succeeded within the wait
     * @throws InterruptedException if interrupted
     */
    static int toEach(ServiceContext ctx, List<KadPeer> peers, PeerRequest request, Duration requestTimeout) throws InterruptedException {
        AtomicInteger ok = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(peers.size());
        for (KadPeer p : peers) {
            ctx.execute("store", () -> {
                try {
                    if (request.send(p)) {
                        ok.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, () -> "kad: " + p.id() + " failed a store: " + e.getMessage());
                } finally {
                    done.countDown();
                }
            });
        }
        done.await(requestTimeout.multipliedBy(2).toNanos(), TimeUnit.NANOSECONDS);
        return ok.get();
    }
}
