package org.jlibp2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Varint;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

/** The DHT's protobuf messages, byte for byte against encodings worked out by hand from the spec's schema. */
class MessagesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final PeerId PEER = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());

    @Test
    void findNodeRequest() throws Exception {
        KadMessage m = KadMessage.request(KadMessage.Type.FIND_NODE, "ab".getBytes(StandardCharsets.US_ASCII));
        // type = 4 (field 1, varint), key = "ab" (field 2, bytes)
        assertThat(HEX.formatHex(m.encode())).isEqualTo("0804" + "12026162");
        assertThat(KadMessage.decode(m.encode())).isEqualTo(m);
    }

    @Test
    void putValueHasNoTypeFieldAndNestsTheRecord() throws Exception {
        KadRecord r = KadRecord.of("/a/k".getBytes(StandardCharsets.US_ASCII), "v".getBytes(StandardCharsets.US_ASCII));
        KadMessage m = new KadMessage(KadMessage.Type.PUT_VALUE, r.key(), Optional.of(r), List.of(), List.of());
        // PUT_VALUE = 0 is proto3's default: not written. key (2) "/a/k"; record (3) { key (1), value (2) }
        assertThat(HEX.formatHex(m.encode())).isEqualTo("12042f612f6b" + "1a09" + "0a042f612f6b" + "120176");
        KadMessage back = KadMessage.decode(m.encode());
        assertThat(back.type()).isEqualTo(KadMessage.Type.PUT_VALUE);
        assertThat(back.record()).contains(r);
    }

    @Test
    void timeReceivedIsField5() throws Exception {
        KadRecord r = new KadRecord(new byte[] {1}, new byte[] {2}, "2026-01-01T00:00:00Z");
        assertThat(HEX.formatHex(r.encode())).isEqualTo("0a0101" + "120102" + "2a14" + HEX.formatHex("2026-01-01T00:00:00Z".getBytes(StandardCharsets.US_ASCII)));
        assertThat(KadRecord.decode(r.encode())).isEqualTo(r);
    }

    @Test
    void peersCarryIdAddressesAndConnection() throws Exception {
        Multiaddr a = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
        KadPeer p = new KadPeer(PEER, List.of(a), KadPeer.ConnectionType.CONNECTED);
        byte[] id = PEER.bytes();
        String expected = "0a" + HEX.formatHex(Varint.encode(id.length)) + HEX.formatHex(id)
                + "12" + HEX.formatHex(Varint.encode(a.bytes().length)) + HEX.formatHex(a.bytes()) + "1801";
        assertThat(HEX.formatHex(p.encode())).isEqualTo(expected);
        KadMessage m = new KadMessage(KadMessage.Type.GET_PROVIDERS, new byte[] {0x12, 0x20}, Optional.empty(), List.of(p), List.of(KadPeer.of(PEER, List.of())));
        KadMessage back = KadMessage.decode(m.encode());
        assertThat(back.closerPeers()).containsExactly(p);
        assertThat(back.providerPeers()).extracting(KadPeer::id).containsExactly(PEER);
    }

    @Test
    void unknownAddressesAndFieldsAreSkipped() throws Exception {
        byte[] id = PEER.bytes();
        // an address with an unknown protocol code (0x7f7f), and an unknown field 7
        byte[] peer = HEX.parseHex("0a" + HEX.formatHex(Varint.encode(id.length)) + HEX.formatHex(id) + "1203ff7f00" + "3801");
        KadPeer p = KadPeer.decode(peer);
        assertThat(p.id()).isEqualTo(PEER);
        assertThat(p.addrs()).isEmpty();
        // clusterLevelRaw (field 10) is ignored
        assertThat(KadMessage.decode(HEX.parseHex("08055001")).type()).isEqualTo(KadMessage.Type.PING);
    }

    @Test
    void malformedMessagesAreRefused() {
        assertThatThrownBy(() -> KadMessage.decode(HEX.parseHex("0806"))).isInstanceOf(MalformedMessageException.class).hasMessageContaining("type 6");
        assertThatThrownBy(() -> KadPeer.decode(HEX.parseHex("1200"))).isInstanceOf(MalformedMessageException.class).hasMessageContaining("without an id");
        assertThatThrownBy(() -> KadMessage.decode(HEX.parseHex("1205ab"))).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void aLengthPrefixOverTheLimitIsRefusedBeforeReading() {
        byte[] prefix = Varint.encode(KadMessage.MAX_MESSAGE_BYTES + 1L);
        assertThatThrownBy(() -> KadMessage.read(new ByteArrayInputStream(prefix))).isInstanceOf(MessageTooLargeException.class);
    }

    @Test
    void writeAndReadAreInverse() throws Exception {
        KadMessage m = KadMessage.request(KadMessage.Type.GET_VALUE, "/pk/x".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.write(out);
        m.write(out);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertThat(KadMessage.read(in)).isEqualTo(m);
        assertThat(KadMessage.read(in)).isEqualTo(m);
        assertThat(in.available()).isZero();
    }
}
