package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.codec.Cid;
import org.jlibp2p.core.codec.Multihash;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** dht serve, and put, get, provide, find-providers and find-peer against those servers, in this JVM. */
@Timeout(180)
class DhtCommandTest {
    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    /** Three DHT servers, the second and third joining through the first. */
    private static List<ToolRunner.Background> servers(List<String> addrs, List<String> ids) throws Exception {
        List<ToolRunner.Background> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<String> args = new ArrayList<>(List.of("dht", "serve", "--json", "--host", "127.0.0.1"));
            if (i > 0) {
                args.addAll(List.of("--bootstrap", addrs.get(0)));
            }
            ToolRunner.Background s = new ToolRunner.Background(Map.of(), args.toArray(String[]::new));
            servers.add(s);
            Map<String, Object> listening = s.nextJson();
            assertThat(listening).containsEntry("event", "listening").containsEntry("dht", true);
            addrs.add((String) ((List<?>) listening.get("addrs")).get(0));
            ids.add((String) listening.get("peerId"));
        }
        return servers;
    }

    @Test
    void putGetProvideAndFindAgainstServers() throws Exception {
        List<String> addrs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<ToolRunner.Background> servers = servers(addrs, ids);
        try {
            ToolRunner.Run put = ToolRunner.run("dht", "put", "greeting", "hello dht", "--json", "--host", "127.0.0.1", "--bootstrap", addrs.get(1));
            assertThat(put.code()).as(put.out() + put.err()).isZero();
            Map<String, Object> p = put.json();
            assertThat(p).containsEntry("action", "dht").containsEntry("ok", true).containsEntry("op", "put").containsEntry("key", "/jlibp2p/greeting");
            assertThat(((Number) p.get("stored")).intValue()).isEqualTo(3);
            assertThat(((Number) p.get("hops")).intValue()).isPositive();

            ToolRunner.Run get = ToolRunner.run("dht", "get", "greeting", "--json", "--host", "127.0.0.1", "--bootstrap", addrs.get(2));
            assertThat(get.json()).containsEntry("ok", true).containsEntry("value", "hello dht");
            ToolRunner.Run text = ToolRunner.run("dht", "get", "/jlibp2p/greeting", "--host", "127.0.0.1", "--bootstrap", addrs.get(0), "--trace");
            assertThat(text.code()).isZero();
            assertThat(text.out()).startsWith("/jlibp2p/greeting = hello dht\n(lookup: ").contains(" hops, ");
            assertThat(text.err()).contains("dht asked ").contains(" bits shared with the key").contains(" answered in ");
            ToolRunner.Run missing = ToolRunner.run("dht", "get", "nothing", "--json", "--host", "127.0.0.1", "--bootstrap", addrs.get(0));
            assertThat(missing.code()).isEqualTo(1);
            assertThat(missing.json()).containsEntry("ok", false).containsEntry("errorType", "NotFound");

            String cid = new Cid(0x55, Multihash.sha256("a block".getBytes(StandardCharsets.UTF_8))).toString();
            ToolRunner.Run provide = ToolRunner.run("dht", "provide", cid, "--json", "--host", "127.0.0.1", "--bootstrap", addrs.get(0),
                    "--seed", "11".repeat(32));
            assertThat(provide.json()).containsEntry("ok", true).containsEntry("announced", 3.0);
            ToolRunner.Run providers = ToolRunner.run("dht", "find-providers", cid, "--json", "--host", "127.0.0.1", "--bootstrap", addrs.get(2));
            Map<String, Object> found = providers.json();
            assertThat(found).containsEntry("ok", true);
            List<?> list = (List<?>) found.get("providers");
            assertThat(list).hasSize(1);
            Map<?, ?> provider = (Map<?, ?>) list.get(0);
            assertThat(ids).doesNotContain((String) provider.get("peerId")); // the node that ran provide
            assertThat(provider.get("addrs").toString()).contains("/ip4/127.0.0.1/tcp/");

            ToolRunner.Run peer = ToolRunner.run("dht", "find-peer", ids.get(2), "--json", "--host", "127.0.0.1", "--bootstrap", addrs.get(1));
            assertThat(peer.json()).containsEntry("ok", true);
            assertThat(peer.json().get("addrs").toString()).contains(addrs.get(2).substring(0, addrs.get(2).indexOf("/p2p/")));
        } finally {
            for (ToolRunner.Background s : servers) {
                assertThat(s.interrupt()).isZero();
            }
        }
    }

    @Test
    void usageMistakesExit2() {
        assertThat(ToolRunner.run("dht", "get", "k").code()).as("no --bootstrap").isEqualTo(2);
        assertThat(ToolRunner.run("dht", "fetch", "k").code()).isEqualTo(2);
        assertThat(ToolRunner.run("dht", "put", "k").code()).as("no value").isEqualTo(2);
        assertThat(ToolRunner.run("dht", "provide", "not-a-cid", "--bootstrap", "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWSMDJpjjev1rPwF2kRgYMkyjHVnuxnBHTVSgXUYrVYhFb").code())
                .isEqualTo(2);
        assertThat(DhtCommand.key("k")).isEqualTo("/jlibp2p/k");
        assertThat(DhtCommand.key("/pk/x")).isEqualTo("/pk/x");
    }
}
