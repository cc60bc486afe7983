package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Varint;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.record.Envelope;
import org.jlibp2p.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Every decoder of the relay messages, fuzzed: bytes from the network either decode or fail with a
 * {@link MalformedMessageException} (and, when read from a stream that ends, an {@link EOFException});
 * nothing else, ever.
 */
class MessagesFuzzTest {
    private static final PrivateKey KEY = PrivateKey.generate(KeyType.ED25519);
    private static final PeerId RELAY = PeerId.fromPublicKey(KEY.publicKey());
    private static final PeerId PEER = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());

    private static List<byte[]> hopSeeds() {
        Envelope voucher = new ReservationVoucher(RELAY, PEER, 1_700_000_000L).seal(KEY);
        HopMessage.Reservation r = new HopMessage.Reservation(1_700_000_000L, List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + RELAY)),
                Optional.of(voucher));
        return List.of(HopMessage.reserve().encode(), HopMessage.connect(PEER).encode(),
                HopMessage.reserved(r, Optional.of(new Limit(Duration.ofMinutes(2), 131072))).encode(),
                HopMessage.refusal(Status.NO_RESERVATION).encode());
    }

    @Test
    void hopMessages() {
        assertThat(Fuzz.run(hopSeeds(), HopMessage::decode, MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void hopMessagesFromAStream() {
        List<byte[]> framed = hopSeeds().stream().map(m -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(Varint.encode(m.length));
            out.writeBytes(m);
            return out.toByteArray();
        }).toList();
        assertThat(Fuzz.run(framed, b -> HopMessage.read(new ByteArrayInputStream(b)), MalformedMessageException.class, EOFException.class))
                .isEqualTo(Fuzz.iterations());
    }

    @Test
    void stopMessages() {
        List<byte[]> seeds = List.of(StopMessage.connect(PEER, Optional.of(new Limit(Duration.ofSeconds(120), 131072))).encode(),
                StopMessage.status(Status.OK).encode());
        assertThat(Fuzz.run(seeds, StopMessage::decode, MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
    }

    /** Envelopes themselves are core's to fuzz; here the voucher payload and the reservation that carries the envelope. */
    @Test
    void vouchersAndReservations() {
        ReservationVoucher v = new ReservationVoucher(RELAY, PEER, 1_700_000_000L);
        assertThat(Fuzz.run(List.of(v.encode()), ReservationVoucher::decode, MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
        HopMessage.Reservation r = new HopMessage.Reservation(1_700_000_000L, List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/p2p/" + RELAY)),
                Optional.of(v.seal(KEY)));
        assertThat(Fuzz.run(List.of(r.encode()), HopMessage.Reservation::decode, MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void peersAndLimits() {
        assertThat(Fuzz.run(List.of(new Peer(PEER, List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"))).encode()), Peer::decode,
                MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
        assertThat(Fuzz.run(List.of(new Limit(Duration.ofSeconds(120), 131072).encode()), Limit::decode, MalformedMessageException.class))
                .isEqualTo(Fuzz.iterations());
    }
}
