package org.jlibp2p.yamux;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.List;
import org.jlibp2p.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * The Yamux header decoder, fuzzed (see {@link org.jlibp2p.testing.Fuzz}): valid headers round-trip,
 * a share of the mutated ones still decodes, and everything else is a {@link YamuxProtocolException}
 * or, for a header cut short, an {@link EOFException}.
 */
class YamuxFuzzTest {
    private static byte[] header(YamuxFrame frame) {
        return Arrays.copyOf(frame.encode(), YamuxFrame.HEADER_LENGTH); // a Data frame's payload is not the header's
    }

    private static byte[] encode(YamuxFrame.Header h) {
        byte[] out = new byte[YamuxFrame.HEADER_LENGTH];
        YamuxFrame.writeHeader(out, h.type(), h.flags().bits(), h.streamId(), h.length());
        return out;
    }

    @Test
    void header() {
        List<byte[]> seeds = List.of(header(new YamuxFrame.WindowUpdate(1, YamuxFrame.Flags.of(YamuxFrame.Flags.SYN), 5)),
                header(new YamuxFrame.Data(2, YamuxFrame.Flags.NONE, new byte[3])), header(new YamuxFrame.Ping(false, 7)),
                header(new YamuxFrame.GoAway(GoAwayCode.NORMAL)));
        Fuzz.decoder("yamux header", bytes -> YamuxFrame.Header.read(new ByteArrayInputStream(bytes)))
                .seeds(seeds)
                .roundTrip(YamuxFuzzTest::encode)
                .seed(new byte[] {0, 0, 0, 8, 0, 0, 0, 3, 0, 0, 0, 0, 42}, // what follows the header is not read
                        new YamuxFrame.Header(YamuxFrame.TYPE_DATA, new YamuxFrame.Flags(YamuxFrame.Flags.RST), 3, 0))
                .rejects(YamuxProtocolException.class, EOFException.class)
                .decodedShareAtLeast(0.15) // measured: 41.7% of mutated inputs with the default count
                .run();
    }
}
