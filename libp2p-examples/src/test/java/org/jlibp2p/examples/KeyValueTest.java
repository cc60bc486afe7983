package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kv store takes values from anyone: it is bounded in bytes, not only in entries. */
@Timeout(30)
class KeyValueTest {
    @Test
    void putsPastTheByteBoundAreRefused() throws Exception {
        MemoryNetwork net = new MemoryNetwork();
        try (Host server = Host.builder().transport(net.transport()).listen("/memory/0")
                     .handler(KeyValue.PROTOCOL_ID, new KeyValue(3L * KeyValue.MAX_VALUE).handler()).build();
             Host client = Host.builder().transport(net.transport()).build()) {
            byte[] mib = new byte[KeyValue.MAX_VALUE];
            for (int i = 0; i < 3; i++) {
                assertThat(put(client, server, "k" + i, mib)).isEqualTo(KeyValue.OK);
            }
            assertThat(put(client, server, "k3", mib)).as("a fourth MiB passes the bound").isEqualTo(KeyValue.REFUSED);
            assertThat(put(client, server, "k0", new byte[10])).as("replacing a value frees its bytes").isEqualTo(KeyValue.OK);
            assertThat(put(client, server, "k3", new byte[1000])).isEqualTo(KeyValue.OK);
            try (ProtocolStream s = client.newStream(server.fullAddrs().get(0), KeyValue.PROTOCOL_ID)) {
                assertThat(KeyValue.get(s, "k3")).hasSize(1000);
            }
        }
    }

    private static int put(Host client, Host server, String key, byte[] value) throws IOException {
        try (ProtocolStream s = client.newStream(server.fullAddrs().get(0), KeyValue.PROTOCOL_ID)) {
            return KeyValue.put(s, key, value);
        }
    }
}
