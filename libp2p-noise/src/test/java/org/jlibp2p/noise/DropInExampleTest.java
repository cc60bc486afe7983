package org.jlibp2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureChannel;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.testing.RawConnections;
import org.junit.jupiter.api.Test;

/** The example of this module's README, kept compiling and working. */
class DropInExampleTest {
    @Test
    void theReadmeExampleWorks() throws Exception {
        RawConnections.Pair link = RawConnections.tcp();
        PrivateKey identity = PrivateKey.generate(KeyType.ED25519);
        PrivateKey remoteIdentity = PrivateKey.generate(KeyType.ED25519);
        PeerId expectedPeer = PeerId.fromPublicKey(remoteIdentity.publicKey());
        RawConnection rawConnection = link.a();
        byte[] bytes = "secret".getBytes();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> remote = executor.submit(() -> {
                SecureConnection c = new NoiseSecureChannel(remoteIdentity).secureInbound(link.b(), List.of("/yamux/1.0.0"));
                return c.in().readNBytes(6);
            });
            // --- README begins
            SecureChannel noise = new NoiseSecureChannel(identity);
            SecureConnection secured = noise.secureOutbound(rawConnection, expectedPeer, List.of("/yamux/1.0.0"));
            secured.remotePeer();          // proven by the handshake
            secured.earlyMuxer();          // Optional[/yamux/1.0.0] when the remote offered it too
            secured.out().write(bytes);    // encrypted on the wire
            // --- README ends
            secured.out().flush();
            assertThat(secured.remotePeer()).isEqualTo(expectedPeer);
            assertThat(secured.earlyMuxer()).contains("/yamux/1.0.0");
            assertThat(remote.get()).isEqualTo(bytes);
            secured.close();
        }
    }
}
