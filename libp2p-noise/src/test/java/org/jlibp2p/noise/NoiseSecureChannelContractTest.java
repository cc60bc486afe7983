package org.jlibp2p.noise;

import java.time.Duration;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.spi.SecureChannel;
import org.jlibp2p.testing.SecureChannelContract;

/** Noise keeps the security channel contract, muxer negotiation in the handshake included. */
class NoiseSecureChannelContractTest extends SecureChannelContract {
    @Override
    protected SecureChannel channel(PrivateKey identity, Duration handshakeDeadline) {
        return new NoiseSecureChannel(identity, handshakeDeadline, NoiseSecureChannel.Observer.NONE);
    }

    @Override
    protected boolean negotiatesMuxerInHandshake() {
        return true;
    }
}
