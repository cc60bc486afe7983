package org.jlibp2p.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Cid;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.codec.Varint;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Every decoder of core, fuzzed: the only outcomes allowed are a result or the documented exception
 * ({@link MalformedMessageException} for bytes from the network, {@link EOFException} when a stream
 * ends early, {@link IllegalArgumentException} for text).
 */
class DecoderFuzzTest {
    private static List<byte[]> utf8(String... texts) {
        return List.of(texts).stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void varint() {
        assertThat(Fuzz.run(List.of(Varint.encode(300), Varint.encode(Long.MAX_VALUE), new byte[] {0}),
                bytes -> Varint.read(bytes, 0), MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void protobuf() {
        byte[] seed = new ProtobufWriter().writeVarint(1, 150).writeString(2, "x").writeFixed32(3, 7).writeFixed64(4, 9)
                .writeMessage(5, new ProtobufWriter().writeBytes(1, new byte[3])).toByteArray();
        assertThat(Fuzz.run(List.of(seed), bytes -> {
            ProtobufReader r = new ProtobufReader(bytes);
            while (r.next()) {
                switch (r.wireType()) {
                    case VARINT -> r.readVarint();
                    case LEN -> r.readBytes(1 << 20);
                    default -> r.skip();
                }
            }
        }, MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void multiaddrBinary() {
        List<byte[]> seeds = List.of(
                Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC").bytes(),
                Multiaddr.parse("/ip6/::1/udp/1/quic-v1/webtransport/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g").bytes(),
                Multiaddr.parse("/dns4/example.com/tcp/443/tls/sni/example.com/ws").bytes(),
                Multiaddr.parse("/unix/tmp/a.sock").bytes(), Multiaddr.parse("/memory/5").bytes());
        assertThat(Fuzz.run(seeds, Multiaddr::fromBytes, MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void multiaddrText() {
        List<byte[]> seeds = utf8("/ip4/127.0.0.1/tcp/4001/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
                "/ip6/fe80::1/udp/1/quic-v1", "/dns/a.b/tcp/1/ws", "/ip6zone/x/ip6/::1", "/unix/a/b",
                "/p2p/bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm");
        assertThat(Fuzz.run(seeds, bytes -> Multiaddr.parse(latin1(bytes)), IllegalArgumentException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void peerIdAndCidText() {
        List<byte[]> seeds = utf8("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq", "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
                "bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm");
        assertThat(Fuzz.run(seeds, bytes -> PeerId.parse(latin1(bytes)), IllegalArgumentException.class)).isEqualTo(Fuzz.iterations());
        assertThat(Fuzz.run(seeds, bytes -> Cid.parse(latin1(bytes)), IllegalArgumentException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void peerIdBinary() {
        List<byte[]> seeds = List.of(PeerId.parse("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq").bytes(),
                PeerId.parse("QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC").bytes());
        assertThat(Fuzz.run(seeds, bytes -> PeerId.fromBytes(bytes).extractPublicKey(), MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void publicKeys() {
        List<byte[]> seeds = List.of(KeyType.values()).stream().map(t -> PrivateKey.generate(t).publicKey().marshal()).toList();
        assertThat(Fuzz.run(seeds, PublicKey::unmarshal, MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void privateKeys() {
        List<byte[]> seeds = List.of(KeyType.ED25519, KeyType.SECP256K1, KeyType.ECDSA).stream().map(t -> PrivateKey.generate(t).marshal()).toList();
        assertThat(Fuzz.run(seeds, org.jlibp2p.core.crypto.PrivateKey::unmarshal, MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void multistreamMessage() {
        List<byte[]> seeds = List.of(MultistreamSelect.encode("/multistream/1.0.0"), MultistreamSelect.encode("na"));
        assertThat(Fuzz.run(seeds, bytes -> MultistreamSelect.readMessage(new ByteArrayInputStream(bytes)),
                MalformedMessageException.class, EOFException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void identifyMessage() {
        IdentifyInfo info = new IdentifyInfo(Optional.of(PrivateKey.generate(KeyType.ED25519).publicKey()),
                List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1")), List.of("/a/1", "/b/2"), Optional.of(Multiaddr.parse("/ip6/::1/tcp/2")),
                Optional.of("ipfs/0.1.0"), Optional.of("x/1"));
        assertThat(Fuzz.run(List.of(info.encode()), IdentifyInfo::decode, MalformedMessageException.class)).isEqualTo(Fuzz.iterations());
    }

    @Test
    void multibaseText() {
        assertThat(Fuzz.run(utf8("z7paNL19xttacUY", "bpfsxgidnmfxgsibb", "f796573206d616e692021", "ueWVzIG1hbmkgIQ"),
                bytes -> Multibase.decode(latin1(bytes)), IllegalArgumentException.class)).isEqualTo(Fuzz.iterations());
    }
}
