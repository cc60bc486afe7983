package org.jlibp2p.examples;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The jlibp2p command-line tool: {@code bin/jlibp2p <command> ...} (or
 * {@code java -jar libp2p-examples/target/jlibp2p.jar <command> ...}).
 *
 * <p>Every command builds a host with the default stack (TCP + Noise + Yamux), does one thing, and
 * prints what happened: short lines for people, or with {@code --json} one JSON object per line and
 * nothing else on stdout. {@code --trace} narrates every layer on stderr as it happens. Exit codes:
 * 0 success, 1 failure (with an error object under {@code --json}), 2 bad arguments.
 *
 * <p>Each command is one class implementing {@link Command}, listed in {@link #COMMANDS}; this class
 * only finds the command, parses its arguments and sets up logging.
 */
public final class Main {
    /** How long a served stream may stay silent before its handler gives up (chat, being typed, has none). */
    static final Duration STREAM_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** Every command, in the order {@code help} lists them. */
    static final List<Command> COMMANDS = List.of(
            new ListenCommand(),
            new RelayCommand(),
            new PingCommand(),
            new IdentifyCommand(),
            new EchoCommand(),
            new PerfCommand(),
            new RatesCommand(),
            new ChatCommand(),
            new SendFileCommand(),
            new KvCommand(),
            new DhtCommand(),
            new PubSubCommand(),
            new TransportInteropCommand(),
            new GossipsubInteropCommand(),
            new HelpCommand(),
            new VersionCommand());

    private Main() {}

    /**
     * Runs the tool.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Thread main = Thread.currentThread();
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl-C: interrupt the command, which closes its host cleanly, and wait for it. Not once the
        // command has ended: main is then in System.exit, where the JVM's own exit work (such as
        // writing an ahead-of-time cache in a training run) must not be interrupted.
        Thread hook = new Thread(() -> {
            if (done.getCount() == 0) {
                return;
            }
            main.interrupt();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                // exiting anyway
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        int code = run(args, System.out, System.err, System.in);
        done.countDown();
        System.exit(code);
    }

    /**
     * Runs one command with given streams (what tests call), in this process's environment.
     *
     * @param args the command line
     * @param out  standard output
     * @param err  standard error
     * @param in   standard input
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
        return run(args, out, err, in, System.getenv());
    }

    /**
     * Runs one command with given streams and environment variables.
     *
     * @param args the command line
     * @param out  standard output
     * @param err  standard error
     * @param in   standard input
     * @param env  the environment variables ({@code JLIBP2P_IDENTITY}, {@code JLIBP2P_LOG}, the interop harness's)
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, InputStream in, Map<String, String> env) {
        if (args.length == 0) {
            err.println(Help.overview(COMMANDS));
            return 2;
        }
        String name = switch (args[0]) {
            case "--help", "-h" -> "help";
            case "--version", "-V" -> "version";
            default -> args[0];
        };
        Command command = command(name);
        if (command == null) {
            err.println("unknown command '" + name + "'; try: jlibp2p help");
            return 2;
        }
        try {
            List<Option> known = new ArrayList<>(Help.COMMON_OPTIONS);
            known.addAll(command.options());
            Cli cli = new Cli(List.of(args).subList(1, args.length), known);
            if (cli.flag("--help")) {
                out.println(Help.of(command));
                return 0;
            }
            if (cli.positional.size() > command.maxArguments()) {
                throw new Cli.UsageException("unexpected argument '" + cli.positional.get(command.maxArguments()) + "'");
            }
            configureLogging(cli, env, err);
            return command.run(new Context(cli, out, err, in, env));
        } catch (Cli.UsageException e) {
            err.println(name + ": " + e.getMessage() + "\nusage: " + Help.usage(command) + "\n(jlibp2p " + name + " --help for more)");
            return 2;
        } catch (InterruptedException e) {
            return 0;
        }
    }

    /** {@return the command of that name, or null} */
    static Command command(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    /** Levels from {@code JLIBP2P_LOG}, then {@code --log-level} over it, then {@code --trace} over both. */
    private static void configureLogging(Cli cli, Map<String, String> env, PrintStream err) {
        ConsoleLoggerFinder.Levels levels = ConsoleLoggerFinder.Levels.DEFAULT;
        String fromEnv = env.get(ConsoleLoggerFinder.ENV);
        try {
            if (fromEnv != null) {
                levels = levels.with(fromEnv);
            }
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(ConsoleLoggerFinder.ENV + "=" + fromEnv + ": " + e.getMessage());
        }
        try {
            levels = levels.with(cli.option("--log-level", ""));
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException("--log-level: " + e.getMessage());
        }
        if (cli.flag("--trace")) {
            levels = new ConsoleLoggerFinder.Levels(System.Logger.Level.TRACE, levels.areas());
        }
        ConsoleLoggerFinder.configure(levels, err);
    }
}
