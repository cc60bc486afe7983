package org.jlibp2p.core.host;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
import org.jlibp2p.core.codec.WireType;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Every decoder of core, fuzzed (see {@link Fuzz}): valid inputs decode and round-trip, a share of the
 * mutated inputs still decodes, and every rejection is the documented exception
 * ({@link MalformedMessageException} for bytes from the network, {@link EOFException} when a stream
 * ends early, {@link IllegalArgumentException} for text).
 *
 * <p>Each floor is about a third of the share of mutated inputs that decoded when measured with the
 * default count and the fixed seed (the measured share is in the comment next to it): low enough that
 * a longer run or a change of the mutator does not trip it, high enough that a decoder grown too
 * strict, rejecting what it used to accept, fails.
 */
class DecoderFuzzTest {
    private static List<byte[]> latin1(String... texts) {
        return List.of(texts).stream().map(DecoderFuzzTest::latin1).toList();
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void varint() {
        Fuzz.decoder("varint", bytes -> Varint.read(bytes, 0))
                .seeds(List.of(Varint.encode(300), Varint.encode(Long.MAX_VALUE), new byte[] {0}))
                .roundTrip(Varint::encode)
                .seed(new byte[] {(byte) 0xac, 0x02, 0x55}, 300L) // what follows the varint is not its business
                .rejects(MalformedMessageException.class)
                .decodedShareAtLeast(0.20) // measured: 68.4%
                .run();
    }

    /** One protobuf field as the reader saw it. */
    private record Field(int number, WireType type, Object value) {}

    private static List<Field> readFields(byte[] bytes) throws MalformedMessageException {
        List<Field> fields = new ArrayList<>();
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            fields.add(new Field(r.fieldNumber(), r.wireType(), switch (r.wireType()) {
                case VARINT -> r.readVarint();
                case LEN -> r.readBytes(1 << 20);
                case I32 -> r.readFixed32();
                case I64 -> r.readFixed64();
                default -> throw new AssertionError("the reader returned a group");
            }));
        }
        return fields;
    }

    private static byte[] writeFields(List<Field> fields) {
        ProtobufWriter w = new ProtobufWriter();
        for (Field f : fields) {
            switch (f.type()) {
                case VARINT -> w.writeVarint(f.number(), (Long) f.value());
                case LEN -> w.writeBytes(f.number(), (byte[]) f.value());
                case I32 -> w.writeFixed32(f.number(), (Integer) f.value());
                case I64 -> w.writeFixed64(f.number(), (Long) f.value());
                default -> throw new AssertionError(f);
            }
        }
        return w.toByteArray();
    }

    @Test
    void protobuf() {
        byte[] seed = new ProtobufWriter().writeVarint(1, 150).writeString(2, "x").writeFixed32(3, 7).writeFixed64(4, 9)
                .writeMessage(5, new ProtobufWriter().writeBytes(1, new byte[3])).toByteArray();
        Fuzz.decoder("protobuf", DecoderFuzzTest::readFields)
                .seeds(List.of(seed, new ProtobufWriter().writeVarint(536_870_911, -1).toByteArray()))
                .roundTrip(DecoderFuzzTest::writeFields)
                .rejects(MalformedMessageException.class)
                .decodedShareAtLeast(0.05) // measured: 16.3%
                .run();
    }

    @Test
    void multiaddrBinary() {
        List<byte[]> seeds = List.of(
                Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC").bytes(),
                Multiaddr.parse("/ip6/::1/udp/1/quic-v1/webtransport/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g").bytes(),
                Multiaddr.parse("/dns4/example.com/tcp/443/tls/sni/example.com/ws").bytes(),
                Multiaddr.parse("/unix/tmp/a.sock").bytes(), Multiaddr.parse("/memory/5").bytes());
        Fuzz.decoder("multiaddr bytes", Multiaddr::fromBytes)
                .seeds(seeds)
                .roundTrip(Multiaddr::bytes)
                .seed(Multibase.fromHex("047f000001060fa1"), Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"))
                .rejects(MalformedMessageException.class)
                .decodedShareAtLeast(0.03) // measured: 8.9%
                .run();
    }

    @Test
    void multiaddrText() {
        Fuzz.decoder("multiaddr text", bytes -> Multiaddr.parse(latin1(bytes)))
                .seeds(latin1("/ip4/127.0.0.1/tcp/4001/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
                        "/ip6/fe80::1/udp/1/quic-v1", "/dns/a.b/tcp/1/ws", "/ip6zone/x/ip6/::1", "/unix/a/b"))
                .roundTrip(m -> latin1(m.toString()))
                // a peer id written as a CID is the same address as in base58
                .seed(latin1("/p2p/bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm"),
                        Multiaddr.parse("/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC"))
                .rejects(IllegalArgumentException.class)
                .decodedShareAtLeast(0.025) // measured: 7.7%
                .run();
    }

    @Test
    void peerIdText() {
        Fuzz.decoder("peer id text", bytes -> PeerId.parse(latin1(bytes)))
                .seeds(latin1("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq", "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC"))
                .roundTrip(p -> latin1(p.toString()))
                .seed(latin1("bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm"),
                        PeerId.parse("QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC"))
                .rejects(IllegalArgumentException.class)
                .decodedShareAtLeast(0.008) // measured: 2.8%
                .run();
    }

    @Test
    void cidText() {
        Fuzz.decoder("cid text", bytes -> Cid.parse(latin1(bytes)))
                .seeds(latin1("bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm",
                        "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6",
                        "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"))
                .roundTrip(c -> latin1(c.toString()))
                .seed(latin1("zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA"),
                        Cid.parse("bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su"))
                .rejects(IllegalArgumentException.class)
                .decodedShareAtLeast(0.008) // measured: 2.5%
                .run();
    }

    @Test
    void peerIdBinary() {
        Fuzz.decoder("peer id bytes", bytes -> {
                    PeerId id = PeerId.fromBytes(bytes);
                    id.extractPublicKey();
                    return id;
                })
                .seeds(List.of(PeerId.parse("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq").bytes(),
                        PeerId.parse("QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC").bytes()))
                .roundTrip(PeerId::bytes)
                .rejects(MalformedMessageException.class)
                .decodedShareAtLeast(0.035) // measured: 11.2%
                .run();
    }

    @Test
    void publicKeys() {
        Fuzz.decoder("public key", PublicKey::unmarshal)
                .seeds(List.of(KeyType.values()).stream().map(t -> PrivateKey.generate(t).publicKey().marshal()).toList())
                .roundTrip(PublicKey::marshal)
                .rejects(MalformedMessageException.class)
                .decodedShareAtLeast(0.02) // measured: 6.8%
                .run();
    }

    @Test
    void privateKeys() {
        Fuzz.decoder("private key", PrivateKey::unmarshal)
                .seeds(List.of(KeyType.ED25519, KeyType.SECP256K1, KeyType.ECDSA).stream().map(t -> PrivateKey.generate(t).marshal()).toList())
                .roundTrip(PrivateKey::marshal)
                .rejects(MalformedMessageException.class)
                .decodedShareAtLeast(0.01) // measured: 3.8%
                .run();
    }

    @Test
    void multistreamMessage() {
        Fuzz.decoder("multistream message", bytes -> MultistreamSelect.readMessage(new ByteArrayInputStream(bytes)))
                .seeds(List.of(MultistreamSelect.encode("/multistream/1.0.0"), MultistreamSelect.encode("na"),
                        MultistreamSelect.encode("/ipfs/id/push/1.0.0")))
                .roundTrip(MultistreamSelect::encode)
                .rejects(MalformedMessageException.class, EOFException.class)
                .decodedShareAtLeast(0.05) // measured: 15.0%
                .run();
    }

    @Test
    void identifyMessage() {
        IdentifyInfo info = new IdentifyInfo(Optional.of(PrivateKey.generate(KeyType.ED25519).publicKey()),
                List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1")), List.of("/a/1", "/b/2"), Optional.of(Multiaddr.parse("/ip6/::1/tcp/2")),
                Optional.of("ipfs/0.1.0"), Optional.of("x/1"));
        IdentifyInfo push = new IdentifyInfo(Optional.empty(), List.of(Multiaddr.parse("/dns/a.b/udp/1/quic-v1")), null,
                Optional.empty(), Optional.empty(), Optional.empty());
        Fuzz.decoder("identify", IdentifyInfo::decode)
                .seeds(List.of(info.encode(), push.encode()))
                .roundTrip(IdentifyInfo::encode)
                .rejects(MalformedMessageException.class)
                .decodedShareAtLeast(0.04) // measured: 11.9%
                .run();
    }

    @Test
    void multibaseText() {
        byte[] yesMani = "yes mani !".getBytes(StandardCharsets.US_ASCII);
        Fuzz.decoder("multibase", bytes -> Multibase.decode(latin1(bytes)))
                .seed(latin1("z7paNL19xttacUY"), yesMani)
                .seed(latin1("bpfsxgidnmfxgsibb"), yesMani)
                .seed(latin1("f796573206d616e692021"), yesMani)
                .seed(latin1("ueWVzIG1hbmkgIQ"), yesMani)
                .seed(latin1("uAAEC_w"), new byte[] {0, 1, 2, (byte) 0xff})
                .rejects(IllegalArgumentException.class)
                .decodedShareAtLeast(0.05) // measured: 16.4%
                .run();
    }
}
