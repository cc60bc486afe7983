package org.jlibp2p.core.host;

import java.io.IOException;

/**
 * A protocol module that runs on a host: gossipsub, a relay, the DHT, and the host's own ping and
 * identify. It is added to the builder ({@link Host.Builder#service(HostService)}), started with a
 * {@link ServiceContext} when the host is built, and closed when the host closes.
 *
 * <p>A service does everything through its context: it registers its handlers, subscribes to events,
 * opens streams, and runs its threads and periodic tasks there. So the host can release all of it
 * when the service ends (handlers removed, subscriptions closed, threads interrupted, tasks
 * cancelled), and a test can run a service against any context.
 *
 * <pre>{@code
 * final class Greeter implements HostService {
 *     public void start(ServiceContext ctx) {
 *         ctx.setStreamHandler("/greet/1.0.0", s -> s.out().write("hello\n".getBytes()));
 *         ctx.subscribe(HostEvent.PeerIdentified.class, e -> {
 *             if (e.info().protocols().contains("/greet/1.0.0")) {
 *                 ctx.execute("greet", () -> greet(ctx, e.peer()));
 *             }
 *         });
 *     }
 * }
 * }</pre>
 */
public interface HostService {
    /** {@return a short name for logs and thread names; by default the class's simple name} */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * Starts the service. Called once, on the thread that builds the host, before the host listens;
     * return promptly and run long work with {@link ServiceContext#execute}, which starts it once the
     * host listens (a task that dials then tells its peers where to find us). So do not wait here
     * for such a task, nor call what waits for one, such as a DHT's {@code bootstrap()}: it would
     * run out its timeouts.
     *
     * @param context what the service may use of the host
     * @throws IOException if the service cannot start; the host is then not built
     */
    void start(ServiceContext context) throws IOException;

    /**
     * Stops the service; called once when the host closes, before its connections close. What the
     * service started through its context is released afterwards by the host.
     */
    default void close() {}
}
