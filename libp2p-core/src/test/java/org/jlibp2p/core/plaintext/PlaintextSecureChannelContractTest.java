package org.jlibp2p.core.plaintext;

import java.time.Duration;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.spi.SecureChannel;
import org.jlibp2p.testing.SecureChannelContract;

/** /plaintext/2.0.0 keeps the security channel contract (it authenticates nothing cryptographically, but the rest holds). */
class PlaintextSecureChannelContractTest extends SecureChannelContract {
    @Override
    protected SecureChannel channel(PrivateKey identity, Duration handshakeDeadline) {
        return new PlaintextSecureChannel(identity, handshakeDeadline);
    }
}
