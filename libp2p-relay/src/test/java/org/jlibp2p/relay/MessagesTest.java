package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.record.Envelope;
import org.jlibp2p.core.record.InvalidSignatureException;
import org.jlibp2p.core.record.SignerMismatchException;
import org.junit.jupiter.api.Test;

/** The messages of relay/circuit-v2.md, "Protobuf", byte for byte. */
class MessagesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final PrivateKey RELAY_KEY = PrivateKey.generate(KeyType.ED25519);
    private static final PeerId RELAY = PeerId.fromPublicKey(RELAY_KEY.publicKey());
    private static final PeerId PEER = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    @Test
    void hopMessagesHaveTheSpecsFieldNumbers() throws Exception {
        assertThat(hex(HopMessage.reserve().encode())).isEqualTo("0800");
        String id = hex(PEER.bytes());
        int idLength = PEER.bytes().length;
        assertThat(hex(HopMessage.connect(PEER).encode()))
                .isEqualTo("0801" + "12" + String.format("%02x", idLength + 2) + "0a" + String.format("%02x", idLength) + id);
        // STATUS OK with go's default limit: 120 s, 131072 bytes
        byte[] ok = HopMessage.status(Status.OK, Optional.of(new Limit(Duration.ofMinutes(2), 128 * 1024))).encode();
        assertThat(hex(ok)).isEqualTo("0802" + "2206" + "0878" + "1080800" + "8" + "2864");
        assertThat(hex(HopMessage.refusal(Status.NO_RESERVATION).encode())).isEqualTo("0802" + "28cc01");
    }

    @Test
    void stopMessagesHaveTheSpecsFieldNumbers() throws Exception {
        assertThat(hex(StopMessage.status(Status.OK).encode())).isEqualTo("0801" + "2064");
        byte[] connect = StopMessage.connect(PEER, Optional.of(new Limit(Duration.ofSeconds(1), 0))).encode();
        StopMessage back = StopMessage.decode(connect);
        assertThat(back.type()).isEqualTo(StopMessage.Type.CONNECT);
        assertThat(back.peer()).contains(Peer.of(PEER));
        assertThat(back.limit()).contains(new Limit(Duration.ofSeconds(1), 0));
        assertThat(hex(connect)).endsWith("1a020801");
    }

    @Test
    void messagesRoundTrip() throws Exception {
        Envelope voucher = new ReservationVoucher(RELAY, PEER, 1_700_000_000L).seal(RELAY_KEY);
        HopMessage.Reservation reservation = new HopMessage.Reservation(1_700_000_000L,
                List.of(Multiaddr.parse("/ip4/198.51.100.7/tcp/4001/p2p/" + RELAY)), Optional.of(voucher));
        HopMessage granted = HopMessage.reserved(reservation, Optional.of(new Limit(Duration.ofSeconds(120), 131072)));
        HopMessage back = HopMessage.decode(granted.encode());
        assertThat(back.type()).isEqualTo(HopMessage.Type.STATUS);
        assertThat(back.status()).contains(Status.OK);
        assertThat(back.reservation().orElseThrow().expire()).isEqualTo(1_700_000_000L);
        assertThat(back.reservation().orElseThrow().addrs()).isEqualTo(reservation.addrs());
        assertThat(back.reservation().orElseThrow().voucher()).contains(voucher);
        assertThat(back.limit()).contains(new Limit(Duration.ofSeconds(120), 131072));
        for (HopMessage m : List.of(HopMessage.reserve(), HopMessage.connect(PEER), HopMessage.refusal(Status.RESERVATION_REFUSED))) {
            assertThat(HopMessage.decode(m.encode())).isEqualTo(m);
        }
        Peer withAddrs = new Peer(PEER, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/1")));
        assertThat(Peer.decode(withAddrs.encode())).isEqualTo(withAddrs);
    }

    @Test
    void limitsTravelInWholeSeconds() throws Exception {
        assertThat(new Limit(Duration.ofMillis(1500), 0).durationSeconds()).isEqualTo(2);
        assertThat(new Limit(Duration.ofMillis(1), 0).durationSeconds()).as("a short limit never reads as none").isEqualTo(1);
        assertThat(Limit.decode(new Limit(Duration.ofMillis(1500), 7).encode())).isEqualTo(new Limit(Duration.ofSeconds(2), 7));
        assertThat(Limit.decode(new byte[0])).isEqualTo(Limit.NONE);
        assertThat(Limit.NONE.isUnlimited()).isTrue();
        // js-libp2p's relay writes milliseconds where the spec says seconds: read as the spec says
        assertThat(Limit.decode(new ProtobufWriter().writeVarint(1, 120_000).toByteArray()).duration()).isEqualTo(Duration.ofSeconds(120_000));
        assertThat(Limit.decode(new ProtobufWriter().writeVarint(2, -1L).toByteArray()).data()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> new Limit(Duration.ofSeconds(-1), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodingRefusesWhatTheSpecRequires() {
        assertThatThrownBy(() -> HopMessage.decode(new byte[0])).isInstanceOf(MalformedMessageException.class).hasMessageContaining("type");
        assertThatThrownBy(() -> HopMessage.decode(new byte[] {0x08, 0x03})).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> HopMessage.decode(new byte[] {0x08, 0x02, 0x28, 0x01})).as("an unknown status")
                .isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> StopMessage.decode(new byte[] {0x08, 0x02})).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> Peer.decode(new byte[] {0x12, 0x00})).as("a peer without an id").isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> Peer.decode(new byte[] {0x0a, 0x02, 0x00, 0x01})).as("an id that is no multihash")
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void unknownFieldsAreSkipped() throws Exception {
        byte[] withExtra = new ProtobufWriter().writeVarint(1, 0).writeString(99, "future").toByteArray();
        assertThat(HopMessage.decode(withExtra)).isEqualTo(HopMessage.reserve());
    }

    @Test
    void readingTakesOneMessageAndNotAByteMore() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HopMessage.connect(PEER).write(out);
        out.write("relayed bytes".getBytes());
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertThat(HopMessage.read(in)).isEqualTo(HopMessage.connect(PEER));
        assertThat(new String(in.readAllBytes())).isEqualTo("relayed bytes");

        ByteArrayInputStream tooBig = new ByteArrayInputStream(new byte[] {(byte) 0x81, 0x20}); // 4097
        assertThatThrownBy(() -> HopMessage.read(tooBig)).isInstanceOf(MessageTooLargeException.class);
        assertThatThrownBy(() -> StopMessage.read(new ByteArrayInputStream(new byte[] {0x05, 0x08}))).isInstanceOf(EOFException.class);
    }

    @Test
    void vouchersAreSealedAndOpenedAsGoAndJsDo() throws Exception {
        ReservationVoucher v = new ReservationVoucher(RELAY, PEER, 1_700_000_000L);
        assertThat(hex(v.encode())).isEqualTo("0a" + String.format("%02x", RELAY.bytes().length) + hex(RELAY.bytes())
                + "12" + String.format("%02x", PEER.bytes().length) + hex(PEER.bytes()) + "18" + "80e2cfaa06");
        Envelope sealed = v.seal(RELAY_KEY);
        assertThat(sealed.payloadType()).containsExactly(0x03, 0x02);
        assertThat(ReservationVoucher.open(Envelope.open(sealed.marshal(), "libp2p-relay-rsvp"))).isEqualTo(v);
        assertThat(v.expiresAt().getEpochSecond()).isEqualTo(1_700_000_000L);

        PrivateKey other = PrivateKey.generate(KeyType.ED25519);
        Envelope forged = Envelope.seal(other, ReservationVoucher.DOMAIN, ReservationVoucher.payloadType(), v.encode());
        assertThatThrownBy(() -> ReservationVoucher.open(forged)).isInstanceOf(SignerMismatchException.class);
        Envelope wrongDomain = Envelope.seal(RELAY_KEY, "libp2p-peer-record", ReservationVoucher.payloadType(), v.encode());
        assertThatThrownBy(() -> ReservationVoucher.open(wrongDomain)).isInstanceOf(InvalidSignatureException.class);
        Envelope wrongType = Envelope.seal(RELAY_KEY, ReservationVoucher.DOMAIN, new byte[] {0x03, 0x01}, v.encode());
        assertThatThrownBy(() -> ReservationVoucher.open(wrongType)).isInstanceOf(MalformedMessageException.class).hasMessageContaining("0302");
        assertThatThrownBy(() -> v.seal(other)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReservationVoucher.decode(new ProtobufWriter().writeBytes(1, RELAY.bytes()).toByteArray()))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void statusCodesAreTheSpecs() {
        assertThat(List.of(Status.values())).extracting(Status::code).containsExactly(100, 200, 201, 202, 203, 204, 400, 401);
        assertThat(Status.fromCode(204)).contains(Status.NO_RESERVATION);
        assertThat(Status.fromCode(300)).isEmpty();
    }

    @Test
    void circuitAddressesAreTakenApart() {
        Multiaddr relay = Multiaddr.parse("/ip4/198.51.100.7/tcp/4001/p2p/" + RELAY);
        Multiaddr circuit = CircuitRelay.circuitAddress(relay, PEER);
        assertThat(circuit.toString()).isEqualTo(relay + "/p2p-circuit/p2p/" + PEER);
        assertThat(CircuitRelay.parse(circuit)).isEqualTo(new CircuitRelay.Parsed(relay, RELAY, Optional.of(PEER)));
        assertThat(CircuitRelay.parse(circuit.withoutPeerId()).target()).isEmpty();
        assertThat(CircuitRelay.parse(Multiaddr.parse("/p2p/" + RELAY + "/p2p-circuit")).relay()).isEqualTo(RELAY);
        assertThatThrownBy(() -> CircuitRelay.parse(Multiaddr.parse("/p2p-circuit/p2p/" + PEER))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CircuitRelay.parse(Multiaddr.parse(circuit + "/p2p-circuit/p2p/" + RELAY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another relay");
        assertThatThrownBy(() -> CircuitRelay.circuitAddress(Multiaddr.parse("/ip4/198.51.100.7/tcp/4001"), PEER))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CircuitRelay.circuitAddress(circuit, RELAY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyPublicAddressesGoIntoReservationsByDefault() {
        assertThat(RelayConfig.PUBLIC_ADDRESSES.test(Multiaddr.parse("/ip4/198.51.100.7/tcp/4001"))).isTrue();
        assertThat(RelayConfig.PUBLIC_ADDRESSES.test(Multiaddr.parse("/ip6/2001:db8::1/tcp/4001"))).isTrue();
        assertThat(RelayConfig.PUBLIC_ADDRESSES.test(Multiaddr.parse("/dns4/relay.example.com/tcp/4001"))).isTrue();
        for (String local : List.of("/ip4/127.0.0.1/tcp/1", "/ip4/10.1.2.3/tcp/1", "/ip4/192.168.1.2/tcp/1", "/ip4/172.16.0.1/tcp/1",
                "/ip4/100.64.0.1/tcp/1", "/ip4/169.254.0.1/tcp/1", "/ip4/0.0.0.0/tcp/1", "/ip6/::1/tcp/1", "/ip6/fd00::1/tcp/1", "/ip6/fe80::1/tcp/1")) {
            assertThat(RelayConfig.PUBLIC_ADDRESSES.test(Multiaddr.parse(local))).as(local).isFalse();
        }
    }
}
