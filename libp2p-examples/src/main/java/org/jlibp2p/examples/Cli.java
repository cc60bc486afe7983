package org.jlibp2p.examples;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command line after its command name: positional arguments, {@code --name value} (or
 * {@code --name=value}) options, and flags, checked against the {@link Option}s the command
 * declares. An option's aliases are folded into its name. A mistake is a {@link UsageException},
 * which the tool reports with exit code 2.
 */
final class Cli {
    /** Bad arguments: exit 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final Map<String, Option> declared = new HashMap<>();
    private final Map<String, List<String>> repeated = new HashMap<>();

    Cli(List<String> args, List<Option> known) {
        Map<String, Option> byName = new HashMap<>();
        for (Option o : known) {
            declared.put(o.name(), o);
            byName.put(o.name(), o);
            o.aliases().forEach(a -> byName.put(a, o));
        }
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                positional.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            Option o = byName.get(name);
            if (o == null) {
                throw new UsageException("unknown option " + name);
            }
            if (o.isFlag()) {
                if (eq >= 0) {
                    throw new UsageException(name + " takes no value");
                }
                flags.add(o.name());
                continue;
            }
            String value;
            if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException(name + " needs a value");
            }
            if (o.repeatable()) {
                repeated.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(value);
                options.putIfAbsent(o.name(), value);
                continue;
            }
            if (options.put(o.name(), value) != null) {
                throw new UsageException(o.name() + " is given twice" + (o.aliases().isEmpty() ? "" : " (" + String.join(", ", o.aliases()) + " is another name for it)"));
            }
        }
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    /** {@return true if the option or flag is on the command line (under any of its names)} */
    boolean has(String name) {
        return options.containsKey(name) || flags.contains(name);
    }

    /** {@return every value of a repeatable option, in order; empty if it is not given} */
    List<String> values(String name) {
        return List.copyOf(repeated.getOrDefault(name, List.of()));
    }

    String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** An integer option with its declared default. */
    int intOption(String name, int min, int max) {
        return intOption(name, Integer.parseInt(declared.get(name).defaultValue()), min, max);
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
