package org.jlibp2p.kad;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jlibp2p.core.PeerId;

/**
 * The iterative lookup (kad-dht/README.md, "Peer routing"; the Kademlia paper, section 2.3): ask
 * the α closest known peers for peers closer to a target, learn from each answer, keep at most α
 * requests in flight, and end when the k closest peers known have all answered, or nobody is left to
 * ask, or the caller has what it wanted, or the whole-query deadline passes. A peer that fails or
 * does not answer within the per-request timeout is dropped from the candidates and the next one
 * is asked.
 *
 * <p>Bounds: from one response at most k closer peers are taken (the closest ones); at most
 * {@value #MAX_CANDIDATES} candidates are kept (the farthest not yet asked are dropped); at most
 * {@value #MAX_REQUESTS} requests are sent. A peer that answers with thousands of peers, or with
 * peers that do not exist, costs the lookup at most those bounds and some failed requests.
 */
final class Lookup {
    /** Candidates kept in one lookup. */
    static final int MAX_CANDIDATES = 512;
    /** Requests sent by one lookup. */
    static final int MAX_REQUESTS = 256;

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.kad");

    /** Sends one request and waits for its response. */
    @FunctionalInterface
    interface Rpc {
        /**
         * @param peer    the peer, with the addresses the lookup learned for it
         * @param request the request
         * @return the response
         */
        KadMessage request(KadPeer peer, KadMessage request) throws IOException;
    }

    /** Sees each response; returns true when the lookup may stop. */
    @FunctionalInterface
    interface OnResponse {
        boolean accept(KadPeer from, KadMessage response);
    }

    /**
     * What a lookup found.
     *
     * @param closest the closest peers that answered, closest first, at most k
     * @param stats   what it cost
     * @param stopped true if the caller's {@link OnResponse} ended it
     */
    record Result(List<KadPeer> closest, QueryStats stats, boolean stopped) {}

    private enum State { HEARD, WAITING, ANSWERED, FAILED }

    private static final class Candidate {
        final KadPeer peer;
        final KadKey key;
        final int depth;
        State state = State.HEARD;
        long startedNanos;

        Candidate(KadPeer peer, KadKey key, int depth) {
            this.peer = peer;
            this.key = key;
            this.depth = depth;
        }
    }

    private record Reply(Candidate from, KadMessage response, Exception failure, long nanos) {}

    private final KadKey target;
    private final KadMessage request;
    private final PeerId self;
    private final int k;
    private final int alpha;
    private final Duration requestTimeout;
    private final Duration queryTimeout;
    private final Rpc rpc;
    private final Executor executor;
    private final Consumer<LookupStep> trace;

    private final Map<PeerId, Candidate> byPeer = new HashMap<>();
    private final TreeSet<Candidate> byDistance;
    private final BlockingQueue<Reply> replies = new ArrayBlockingQueue<>(MAX_REQUESTS);
    private int inFlight;
    private int messages;

    Lookup(KadKey target, KadMessage request, PeerId self, int k, int alpha, Duration requestTimeout, Duration queryTimeout,
           Rpc rpc, Executor executor, Consumer<LookupStep> trace) {
        this.target = target;
        this.request = request;
        this.self = self;
        this.k = k;
        this.alpha = alpha;
        this.requestTimeout = requestTimeout;
        this.queryTimeout = queryTimeout;
        this.rpc = rpc;
        this.executor = executor;
        this.trace = trace;
        Comparator<KadKey> d = target.byDistance();
        this.byDistance = new TreeSet<>((a, b) -> {
            int c = d.compare(a.key, b.key);
            return c != 0 ? c : a.peer.id().compareTo(b.peer.id());
        });
    }

    /**
     * Runs the lookup.
     *
     * @param seeds      the peers to start from (the closest in the routing table)
     * @param onResponse sees each response
     * @return what it found
     * @throws InterruptedException if interrupted
     */
    Result run(List<KadPeer> seeds, OnResponse onResponse) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + queryTimeout.toNanos();
        long perRequest = requestTimeout.toNanos();
        for (KadPeer p : seeds) {
            consider(p, 1);
        }
        boolean stopped = false;
        boolean timedOut = false;
        while (true) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                timedOut = true;
                break;
            }
            long nextExpiry = deadline;
            for (Candidate c : byDistance) {
                if (c.state == State.WAITING) {
                    if (now - (c.startedNanos + perRequest) >= 0) {
                        c.state = State.FAILED; // its thread ends at its own deadline; its reply is ignored
                        inFlight--;
                        trace.accept(new LookupStep.Failed(c.peer.id(), "no response within " + requestTimeout.toMillis() + " ms"));
                    } else if (c.startedNanos + perRequest - nextExpiry < 0) {
                        nextExpiry = c.startedNanos + perRequest;
                    }
                }
            }
            // The k closest that have not failed: done when all of them have answered.
            List<Candidate> launch = new ArrayList<>();
            int seen = 0;
            boolean allAnswered = true;
            for (Candidate c : byDistance) {
                if (c.state == State.FAILED) {
                    continue;
                }
                if (seen++ >= k) {
                    break;
                }
                if (c.state != State.ANSWERED) {
                    allAnswered = false;
                }
                if (c.state == State.HEARD && inFlight + launch.size() < alpha && messages + launch.size() < MAX_REQUESTS) {
                    launch.add(c);
                }
            }
            if (allAnswered && inFlight == 0) {
                break;
            }
            for (Candidate c : launch) {
                ask(c);
            }
            if (inFlight == 0) {
                if (messages >= MAX_REQUESTS) {
                    LOG.log(Level.DEBUG, () -> "lookup for " + target + " ended at its bound of " + MAX_REQUESTS + " requests");
                }
                break; // nobody left to ask
            }
            Reply r = replies.poll(Math.max(0, Math.min(nextExpiry, deadline) - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r == null || r.from.state != State.WAITING) {
                continue;
            }
            inFlight--;
            if (r.failure != null) {
                r.from.state = State.FAILED;
                trace.accept(new LookupStep.Failed(r.from.peer.id(), r.failure.getClass().getSimpleName() + ": " + r.failure.getMessage()));
                continue;
            }
            r.from.state = State.ANSWERED;
            int added = learn(r.from, r.response.closerPeers());
            trace.accept(new LookupStep.Answered(r.from.peer.id(), r.response.closerPeers().size(), added, r.response.providerPeers().size(),
                    r.response.record().isPresent(), Duration.ofNanos(r.nanos)));
            if (onResponse.accept(r.from.peer, r.response)) {
                stopped = true;
                break;
            }
        }
        List<KadPeer> closest = new ArrayList<>();
        int hops = 0;
        for (Candidate c : byDistance) {
            if (c.state == State.ANSWERED && closest.size() < k) {
                closest.add(c.peer);
                hops = Math.max(hops, c.depth);
            }
        }
        return new Result(closest, new QueryStats(hops, messages, Duration.ofNanos(System.nanoTime() - start), timedOut), stopped);
    }

    private void ask(Candidate c) {
        c.state = State.WAITING;
        c.startedNanos = System.nanoTime();
        inFlight++;
        messages++;
        trace.accept(new LookupStep.Asked(request.type(), c.peer.id(), c.depth, target.commonPrefixLength(c.key)));
        executor.execute(() -> {
            long t0 = System.nanoTime();
            Reply reply;
            try {
                reply = new Reply(c, rpc.request(c.peer, request), null, System.nanoTime() - t0);
            } catch (IOException | RuntimeException e) {
                reply = new Reply(c, null, e, System.nanoTime() - t0);
            }
            replies.offer(reply); // never full: one reply per request, at most MAX_REQUESTS
        });
    }

    /** Takes at most k of the closer peers, the closest; returns how many were new. */
    private int learn(Candidate from, List<KadPeer> closer) {
        Comparator<KadKey> d = target.byDistance();
        record Keyed(KadPeer peer, KadKey key) {}
        List<Keyed> keyed = new ArrayList<>(Math.min(closer.size(), 4 * k));
        for (KadPeer p : closer) {
            if (!p.id().equals(self)) {
                keyed.add(new Keyed(p, KadKey.of(p.id())));
            }
        }
        keyed.sort((a, b) -> d.compare(a.key, b.key));
        int added = 0;
        for (int i = 0; i < keyed.size() && i < k; i++) {
            if (consider(keyed.get(i).peer, from.depth + 1)) {
                added++;
            }
        }
        return added;
    }

    private boolean consider(KadPeer p, int depth) {
        if (p.id().equals(self) || byPeer.containsKey(p.id())) {
            return false;
        }
        Candidate c = new Candidate(p, KadKey.of(p.id()), depth);
        byPeer.put(p.id(), c);
        byDistance.add(c);
        while (byDistance.size() > MAX_CANDIDATES) { // drop the farthest not in flight
            Candidate far = byDistance.descendingSet().stream().filter(x -> x.state != State.WAITING).findFirst().orElse(null);
            if (far == null) {
                break;
            }
            byDistance.remove(far);
            // stays in byPeer so that it is not learned again
        }
        return byDistance.contains(c);
    }
}
