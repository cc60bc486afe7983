package org.jlibp2p.examples;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Host;

/**
 * A command that does one thing with one peer: check the arguments (a mistake exits 2 before
 * anything is dialed), build a host, {@link #call} within {@code --timeout}, print the result.
 */
abstract class ClientCommand implements Command {
    /** Checks the command's own arguments; called before anything is dialed. */
    abstract void validate(Context ctx);

    /**
     * Does the command's work.
     *
     * @param ctx    the command line and output
     * @param host   a host with the node's identity, not yet connected
     * @param target the peer's address, ending in {@code /p2p/<peer id>}
     * @return what it found
     */
    abstract Result call(Context ctx, Host host, Multiaddr target) throws Exception;

    /** {@return how long the command may take without {@code --timeout}} */
    Duration defaultTimeout(Cli cli) {
        return Context.DEFAULT_TIMEOUT;
    }

    /** {@return the address to dial: the first positional argument} */
    Multiaddr target(Context ctx) {
        return ctx.target();
    }

    /** A result with whether its connection went through a relay: {@code "relayed"} in JSON, a word in the text. */
    record Relayed(Result result, boolean relayed) implements Result {
        @Override
        public boolean ok() {
            return result.ok();
        }

        @Override
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>(result.json());
            m.put("relayed", relayed);
            return m;
        }

        @Override
        public String human() {
            return relayed ? result.human() + "\n(relayed: the connection went through a circuit relay)" : result.human();
        }
    }

    @Override
    public int maxArguments() {
        return 1;
    }

    @Override
    public int run(Context ctx) {
        Multiaddr addr = target(ctx);
        Duration timeout = Duration.ofSeconds(ctx.cli.intOption("--timeout", (int) defaultTimeout(ctx.cli).toSeconds(), 1, 86_400));
        validate(ctx);
        try (Host host = ctx.host(null, Map.of()); ExecutorService worker = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Result> result = worker.submit(() -> call(ctx, host, addr));
            try {
                Result r = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return ctx.emit(r.ok() ? new Relayed(r, ctx.relayed()) : r);
            } catch (TimeoutException e) {
                result.cancel(true);
                return ctx.fail(name(), new SocketTimeoutException(name() + " did not finish within " + timeout.toSeconds() + " s"));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Cli.UsageException usage) {
                    throw usage;
                }
                return ctx.fail(name(), e.getCause());
            }
        } catch (InterruptedException e) {
            return 1;
        } catch (IOException e) {
            return ctx.fail(name(), e);
        }
    }
}
