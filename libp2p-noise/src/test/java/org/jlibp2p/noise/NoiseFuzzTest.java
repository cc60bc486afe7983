package org.jlibp2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.testing.Fuzz;
import org.junit.jupiter.api.Test;

/** The Noise handshake payload decoder, fuzzed: a payload or a {@link NoiseHandshakeException}. */
class NoiseFuzzTest {
    @Test
    void handshakePayload() {
        PrivateKey key = PrivateKey.generate(KeyType.ED25519);
        byte[] seed = new NoiseHandshakePayload(key.publicKey().marshal(), key.sign(new byte[32]), List.of(new byte[34]),
                List.of("/yamux/1.0.0", "/mplex/6.7.0")).encode();
        assertThat(Fuzz.run(List.of(seed), NoiseHandshakePayload::decode, NoiseHandshakeException.class)).isEqualTo(Fuzz.iterations());
    }
}
