package org.jlibp2p.examples;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;

/** {@code kv <addr> put <key> <value>} and {@code kv <addr> get <key>}: the tiny store of /kv/1.0.0. */
final class KvCommand extends ClientCommand {
    @Override
    public String name() {
        return "kv";
    }

    @Override
    public String arguments() {
        return "<addr> put <key> <value> | <addr> get <key>";
    }

    @Override
    public String summary() {
        return "store or fetch a value in a peer's key-value store";
    }

    @Override
    public String description() {
        return "Store or fetch a value with /kv/1.0.0 (keys up to " + KeyValue.MAX_KEY + " bytes, values up to 1 MiB).";
    }

    @Override
    public List<Option> options() {
        return List.of();
    }

    @Override
    public int maxArguments() {
        return 4;
    }

    @Override
    void validate(Context ctx) {
        String op = ctx.cli.positional(1, "put or get");
        switch (op) {
            case "put" -> ctx.cli.positional(3, "the value");
            case "get" -> {
                ctx.cli.positional(2, "the key");
                if (ctx.cli.positional.size() > 3) {
                    throw new Cli.UsageException("unexpected argument '" + ctx.cli.positional.get(3) + "' (get takes a key only)");
                }
            }
            default -> throw new Cli.UsageException("kv takes put or get, not '" + op + "'");
        }
    }

    @Override
    Result call(Context ctx, Host host, Multiaddr addr) throws Exception {
        String op = ctx.cli.positional(1, "put or get");
        String key = ctx.cli.positional(2, "the key");
        try (ProtocolStream s = ctx.connect(host, addr).newStream(KeyValue.PROTOCOL_ID)) {
            if (op.equals("put")) {
                int status = KeyValue.put(s, key, ctx.cli.positional(3, "the value").getBytes(StandardCharsets.UTF_8));
                return new Stored(key, status);
            }
            byte[] value = KeyValue.get(s, key);
            return new Fetched(key, value == null ? null : new String(value, StandardCharsets.UTF_8));
        }
    }

    /** A put, and the store's answer. */
    record Stored(String key, int status) implements Result {
        @Override
        public boolean ok() {
            return status == KeyValue.OK;
        }

        @Override
        public Map<String, Object> json() {
            Map<String, Object> j = Json.object("action", "kv", "ok", ok(), "op", "put", "key", key);
            if (!ok()) {
                j.put("error", "refused by the store (it is full)");
                j.put("errorType", "Refused");
            }
            return j;
        }

        @Override
        public String human() {
            return ok() ? "stored " + key : "kv failed: " + json().get("error");
        }
    }

    /** A get: the value, or null if the key is unknown. */
    record Fetched(String key, String value) implements Result {
        @Override
        public boolean ok() {
            return value != null;
        }

        @Override
        public Map<String, Object> json() {
            return ok() ? Json.object("action", "kv", "ok", true, "op", "get", "key", key, "value", value)
                    : Json.object("action", "kv", "ok", false, "op", "get", "key", key, "error", "not found", "errorType", "NotFound");
        }

        @Override
        public String human() {
            return ok() ? key + " = " + value : "kv failed: not found";
        }
    }
}
