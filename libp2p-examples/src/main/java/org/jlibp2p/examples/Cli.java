package org.jlibp2p.examples;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tool's command line: positional arguments and {@code --name value} options (flags take no
 * value). A mistake is a {@link UsageException}, which the tool reports with exit code 2.
 */
final class Cli {
    /** Options every command accepts. */
    static final Set<String> COMMON_FLAGS = Set.of("--json", "--trace", "--help");
    static final Set<String> COMMON_OPTIONS = Set.of("--key", "--seed", "--timeout", "--dial-timeout");

    /** Bad arguments: exit 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags = new java.util.HashSet<>();

    Cli(List<String> args, Set<String> commandOptions, Set<String> commandFlags) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                if (COMMON_FLAGS.contains(a) || commandFlags.contains(a)) {
                    flags.add(a);
                } else if (COMMON_OPTIONS.contains(a) || commandOptions.contains(a)) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException(a + " needs a value");
                    }
                    options.put(a, args.get(++i));
                } else {
                    throw new UsageException("unknown option " + a);
                }
            } else {
                positional.add(a);
            }
        }
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    int intOption(String name, int fallback, int min, int max) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new UsageException(name + " must be between " + min + " and " + max + ", not " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a whole number, not '" + v + "'");
        }
    }

    /** Sizes with an optional KiB, MiB or GiB suffix (also KB/MB/GB as powers of ten). */
    long sizeOption(String name, long fallback) {
        String v = options.get(name);
        return v == null ? fallback : parseSize(name, v);
    }

    static long parseSize(String what, String v) {
        String s = v.trim();
        long unit = 1;
        String[][] units = {{"KiB", "1024"}, {"MiB", "1048576"}, {"GiB", "1073741824"}, {"KB", "1000"}, {"MB", "1000000"}, {"GB", "1000000000"}, {"B", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length()).trim();
                break;
            }
        }
        try {
            long n = Long.parseLong(s);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException(what + ": '" + v + "' is not a size (such as 1048576, 64KiB, 16MiB or 1GiB)");
        }
    }

    String positional(int index, String what) {
        if (index >= positional.size()) {
            throw new UsageException("missing " + what);
        }
        return positional.get(index);
    }
}
