package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.List;
import org.jlibp2p.testing.Fuzz;
import org.junit.jupiter.api.Test;

/** The Yamux header decoder, fuzzed: a header, null at a clean end, or the documented exceptions. */
class YamuxFuzzTest {
    @Test
    void header() {
        List<byte[]> seeds = List.of(new YamuxFrame.WindowUpdate(1, YamuxFrame.Flags.of(YamuxFrame.Flags.SYN), 5).encode(),
                new YamuxFrame.Data(2, YamuxFrame.Flags.NONE, 3).encode(), new YamuxFrame.Ping(false, 7).encode(),
                new YamuxFrame.GoAway(GoAwayCode.NORMAL).encode());
        assertThat(Fuzz.run(seeds, bytes -> YamuxFrame.read(new ByteArrayInputStream(bytes)),
                YamuxProtocolException.class, EOFException.class)).isEqualTo(Fuzz.iterations());
    }
}
