package org.jlibp2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.testing.ReadmeExample;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The example of this module's README, kept running; and the README kept showing it. */
@Timeout(120)
class ReadmeExampleTest {
    @Test
    void theReadmeExampleWorks() throws Exception {
        String value;
        int providers;
        List<Host> hosts = new ArrayList<>();
        // --- README begins
        MemoryNetwork net = new MemoryNetwork();  // hosts in one JVM; over TCP, leave out transport(net.transport())
        KadConfig config = KadConfig.defaults()
                .withValidator("jlibp2p", new GreatestValueValidator());    // the namespace /jlibp2p/
        List<KadDht> dhts = new ArrayList<>();
        try {
            for (int i = 0; i < 25; i++) {                       // 25 servers, each joining through the first
                KadDht dht = new KadDht(i == 0 ? config : config.withBootstrap(List.of(hosts.get(0).fullAddrs().get(0))));
                hosts.add(Host.builder().transport(net.transport()).listen("/memory/0").service(dht).build());
                dhts.add(dht);
            }
            for (KadDht dht : dhts.subList(1, 25)) {
                dht.bootstrap();                                 // connect, look up our own id, refresh buckets
            }
            KadDht.PutResult put = dhts.get(3).putValue("/jlibp2p/greeting".getBytes(), "hello".getBytes());
            System.out.println(put.stored());                    // 20: the k closest peers to the key hold it
            KadDht.GetResult got = dhts.get(22).getValue("/jlibp2p/greeting".getBytes(), 1);
            value = new String(got.value().orElseThrow());       // hello
            System.out.println(value + " after " + got.stats().hops() + " hops");

            byte[] content = org.jlibp2p.core.codec.Multihash.sha256("a block".getBytes()).bytes();
            dhts.get(8).provide(content);                        // "I have it", told to the 20 closest
            providers = dhts.get(21).findProviders(content, 1).providers().size();   // 1
        } finally {
            hosts.forEach(Host::close);
        }
        // --- README ends
        assertThat(value).isEqualTo("hello");
        assertThat(providers).isEqualTo(1);
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    @Test
    void theReadmeShowsThisExample() throws Exception {
        ReadmeExample.assertReadmeShows(ReadmeExampleTest.class);
    }
}
