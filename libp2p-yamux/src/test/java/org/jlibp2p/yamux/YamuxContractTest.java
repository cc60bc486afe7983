package org.jlibp2p.yamux;

import java.time.Duration;
import org.jlibp2p.core.spi.StreamMuxer;
import org.jlibp2p.testing.MuxerContract;

/** Yamux keeps the muxer contract. */
class YamuxContractTest extends MuxerContract {
    @Override
    protected StreamMuxer muxer() {
        return new YamuxMuxer(YamuxConfig.defaults().withTimers(Duration.ofSeconds(30), Duration.ofSeconds(10)));
    }
}
