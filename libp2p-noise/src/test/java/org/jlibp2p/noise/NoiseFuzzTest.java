package org.jlibp2p.noise;

import java.util.List;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * The Noise handshake payload decoder, fuzzed (see {@link org.jlibp2p.testing.Fuzz}): valid payloads
 * round-trip, a share of the mutated ones still decodes, and everything else is a
 * {@link NoiseHandshakeException}, never another exception.
 */
class NoiseFuzzTest {
    @Test
    void handshakePayload() {
        PrivateKey key = PrivateKey.generate(KeyType.ED25519);
        byte[] full = new NoiseHandshakePayload(key.publicKey().marshal(), key.sign(new byte[32]), List.of(new byte[34]),
                List.of("/yamux/1.0.0", "/mplex/6.7.0")).encode();
        byte[] bare = new NoiseHandshakePayload(key.publicKey().marshal(), key.sign(new byte[1]), List.of(), List.of()).encode();
        Fuzz.decoder("noise handshake payload", NoiseHandshakePayload::decode)
                .seeds(List.of(full, bare))
                .roundTrip(NoiseHandshakePayload::encode)
                .rejects(NoiseHandshakeException.class)
                .decodedShareAtLeast(0.03) // measured: 10.2% of mutated inputs with the default count
                .run();
    }
}
