package org.jlibp2p.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.Reach;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

/** Our identify message, sized and split as go-libp2p sends its own (identify/README.md). */
class IdentifyWriterTest {
    private static final PrivateKey KEY = PrivateKey.generate(KeyType.ED25519);
    private static final List<String> PROTOCOLS = List.of("/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0", "/ipfs/ping/1.0.0");
    private static final Multiaddr OBSERVED = Multiaddr.parse("/ip4/198.51.100.9/tcp/50000");

    private static IdentifyInfo info(List<Multiaddr> addrs, byte[] record) {
        return new IdentifyInfo(Optional.of(KEY.publicKey()), addrs, PROTOCOLS, Optional.of(OBSERVED),
                Optional.of("ipfs/0.1.0"), Optional.of("jlibp2p/test"), Optional.ofNullable(record));
    }

    /** {@code count} addresses of one kind: "public" (2001:db8::/32), "private" (fd00::/8) or "loopback" (127/8). */
    private static List<Multiaddr> addrs(String kind, int count) {
        List<Multiaddr> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Multiaddr.parse(switch (kind) {
                case "public" -> "/ip6/2001:db8::" + Integer.toHexString(i + 1) + "/tcp/4001";
                case "private" -> "/ip6/fd00::" + Integer.toHexString(i + 1) + "/tcp/4001";
                default -> "/ip4/127.0.0." + (i + 1) + "/tcp/4001";
            }));
        }
        return out;
    }

    private static byte[] record(int size) {
        byte[] r = new byte[size];
        for (int i = 0; i < size; i++) {
            r[i] = (byte) i;
        }
        return r;
    }

    @Test
    void aMessageOfUpToTwoKibibytesGoesOutWhole() throws Exception {
        IdentifyInfo ours = info(addrs("public", 10), record(200));
        List<byte[]> messages = IdentifyWriter.messages(ours);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0)).isEqualTo(ours.encode());
        IdentifyInfo read = IdentifyInfo.decode(messages.get(0));
        assertThat(read.listenAddrs()).isEqualTo(ours.listenAddrs());
        assertThat(read.signedPeerRecord()).hasValueSatisfying(r -> assertThat(r).isEqualTo(record(200)));
    }

    @Test
    void overTwoKibibytesTheSignedRecordGoesAloneInASecondMessage() throws Exception {
        List<Multiaddr> addrs = addrs("public", 60); // 60 x 22 bytes: about 1.3 KiB, under 4 KiB without the record
        IdentifyInfo ours = info(addrs, record(1200));
        assertThat(ours.encode().length).isGreaterThan(IdentifyWriter.LEGACY_SIZE);
        List<byte[]> messages = IdentifyWriter.messages(ours);
        assertThat(messages).hasSize(2);

        IdentifyInfo first = IdentifyInfo.decode(messages.get(0));
        assertThat(first.signedPeerRecord()).isEmpty();
        assertThat(first.listenAddrs()).isEqualTo(addrs);
        assertThat(first.protocols()).isEqualTo(PROTOCOLS);
        assertThat(first.publicKey()).contains(KEY.publicKey());
        assertThat(first.observedAddr()).contains(OBSERVED);

        IdentifyInfo second = IdentifyInfo.decode(messages.get(1));
        assertThat(second.signedPeerRecord()).hasValueSatisfying(r -> assertThat(r).isEqualTo(record(1200)));
        assertThat(second.publicKey()).isEmpty();
        assertThat(second.listenAddrs()).isEmpty();
        assertThat(second.protocols()).isNull();
        assertThat(second.agentVersion()).isEmpty();
    }

    /** The two parts read back as one message, as a reader that merges them (go, js, ours) sees them. */
    @Test
    void theTwoPartsMergeIntoWhatWasSaid() throws Exception {
        IdentifyInfo ours = info(addrs("public", 60), record(1200));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IdentifyWriter.write(out, ours);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        ByteArrayOutputStream merged = new ByteArrayOutputStream();
        int parts = 0;
        for (byte[] m; (m = LengthPrefixed.readIfPresent(in, IdentifyInfo.MAX_MESSAGE_LENGTH)) != null; parts++) {
            merged.writeBytes(m);
        }
        assertThat(parts).isEqualTo(2);
        IdentifyInfo read = IdentifyInfo.decode(merged.toByteArray());
        assertThat(read.listenAddrs()).isEqualTo(ours.listenAddrs());
        assertThat(read.protocols()).isEqualTo(ours.protocols());
        assertThat(read.signedPeerRecord()).hasValueSatisfying(r -> assertThat(r).isEqualTo(record(1200)));
    }

    /**
     * 300 addresses do not fit in 4 KiB: the first message keeps the public ones, then as many private
     * ones as fit, no loopback one, each in the order given.
     */
    @Test
    void theFirstMessageKeepsPublicAddressesFirstAndFitsInFourKibibytes() throws Exception {
        List<Multiaddr> loopback = addrs("loopback", 100);
        List<Multiaddr> privates = addrs("private", 100);
        List<Multiaddr> publics = addrs("public", 100);
        List<Multiaddr> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) { // interleaved, so that keeping a prefix would keep all three kinds
            all.add(loopback.get(i));
            all.add(privates.get(i));
            all.add(publics.get(i));
        }
        IdentifyInfo ours = info(all, record(600));
        List<byte[]> messages = IdentifyWriter.messages(ours);
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).length).isLessThanOrEqualTo(IdentifyWriter.MAX_OWN_MESSAGE_LENGTH)
                .isGreaterThan(IdentifyWriter.MAX_OWN_MESSAGE_LENGTH - 30); // full: no more than one address's room left
        List<Multiaddr> kept = IdentifyInfo.decode(messages.get(0)).listenAddrs();
        assertThat(kept).containsAll(publics).doesNotContainAnyElementsOf(loopback);
        List<Multiaddr> keptPrivate = kept.stream().filter(privates::contains).toList();
        assertThat(keptPrivate).isNotEmpty().hasSizeLessThan(100).isEqualTo(privates.subList(0, keptPrivate.size()));
        assertThat(kept).isEqualTo(all.stream().filter(kept::contains).toList()); // the given order
        assertThat(IdentifyInfo.decode(messages.get(1)).signedPeerRecord()).isPresent();
    }

    /** Without a record a message up to 4 KiB goes out whole; a larger one is trimmed, still one message. */
    @Test
    void withoutARecordOneMessageOfAtMostFourKibibytes() throws Exception {
        IdentifyInfo medium = info(addrs("public", 120), null); // about 2.7 KiB
        assertThat(medium.encode().length).isBetween(IdentifyWriter.LEGACY_SIZE, IdentifyWriter.MAX_OWN_MESSAGE_LENGTH);
        assertThat(IdentifyWriter.messages(medium)).containsExactly(medium.encode());

        IdentifyInfo large = info(addrs("public", 300), null);
        List<byte[]> messages = IdentifyWriter.messages(large);
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).length).isLessThanOrEqualTo(IdentifyWriter.MAX_OWN_MESSAGE_LENGTH);
        List<Multiaddr> kept = IdentifyInfo.decode(messages.get(0)).listenAddrs();
        assertThat(kept).isEqualTo(large.listenAddrs().subList(0, kept.size()));
        assertThat(kept.size()).isBetween(150, 299);
    }

    @Test
    void trimBoundsBothBytesAndCount() {
        List<Multiaddr> publics = addrs("public", 100); // 22 bytes each as a field
        assertThat(IdentifyWriter.trim(publics, 22 * 100, 100)).isSameAs(publics);
        assertThat(IdentifyWriter.trim(publics, 22 * 10 + 21, 100)).isEqualTo(publics.subList(0, 10));
        assertThat(IdentifyWriter.trim(publics, 1 << 20, 64)).isEqualTo(publics.subList(0, 64));
        assertThat(IdentifyWriter.trim(publics, 0, 64)).isEmpty();
        // a loopback address (10 bytes) would fit where a public one (22) did not, but ranks after it
        Multiaddr loopback = Multiaddr.parse("/ip4/127.0.0.1/tcp/1");
        assertThat(IdentifyWriter.trim(List.of(loopback, publics.get(0)), 21, 10)).isEmpty();
        assertThat(IdentifyWriter.trim(List.of(loopback, publics.get(0)), 22, 10)).containsExactly(publics.get(0));
    }

    @Test
    void addressesAreRankedByReach() {
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/ip4/8.8.8.8/tcp/1"))).isEqualTo(Reach.PUBLIC);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/ip6/2606:4700::1/tcp/1"))).isEqualTo(Reach.PUBLIC);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/dns4/example.com/tcp/1"))).isEqualTo(Reach.PUBLIC);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/ip4/10.1.2.3/tcp/1"))).isEqualTo(Reach.PRIVATE);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/ip4/192.168.1.1/tcp/1"))).isEqualTo(Reach.PRIVATE);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/ip4/100.64.0.1/tcp/1"))).as("shared address space").isEqualTo(Reach.PRIVATE);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/ip6/fd12::1/tcp/1"))).as("unique local").isEqualTo(Reach.PRIVATE);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/ip6/::ffff:100.64.0.1/tcp/1"))).as("IPv4-mapped").isEqualTo(Reach.PRIVATE);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/ip6/fe80::1/tcp/1"))).as("link local").isEqualTo(Reach.PRIVATE);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/memory/7"))).isEqualTo(Reach.PRIVATE);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/ip4/127.0.0.1/tcp/1"))).isEqualTo(Reach.LOOPBACK);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/ip6/::1/tcp/1"))).isEqualTo(Reach.LOOPBACK);
        assertThat(IdentifyWriter.reach(Multiaddr.parse("/dns/localhost/tcp/1"))).isEqualTo(Reach.LOOPBACK);
        // a circuit address ranks as its relay's address
        assertThat(IdentifyWriter.reach(Multiaddr.parse(
                "/ip4/8.8.8.8/tcp/1/p2p/12D3KooWJEjQpc8Cp7miwLQNbyhSuRj5xFaawAgcspQ8VNooexYP/p2p-circuit"))).isEqualTo(Reach.PUBLIC);
    }
}
