package org.jlibp2p.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jlibp2p.core.codec.Multibase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultiaddrTest {

    /**
     * Text and binary forms that must match byte for byte. Rows marked rust come from rust-multiaddr
     * tests/lib.rs ({@code construct_success}); the first row from multiformats/multiaddr
     * test/multiaddr.feature; the rest are computed from the protocol table and cross-checked by the
     * round trip.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/ip4/192.0.2.42/tcp/443 | 04c000022a0601bb",                                      // multiaddr.feature
        "/ip4/1.2.3.4 | 0401020304",                                                       // rust
        "/ip4/0.0.0.0 | 0400000000",                                                       // rust
        "/ip6/::1 | 2900000000000000000000000000000001",                                   // rust
        "/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21 | 29260100094f819700803eca6566e80c21",   // rust
        "/udp/0 | 91020000",                                                               // rust
        "/tcp/0 | 060000",                                                                 // rust
        "/udp/65535 | 9102ffff",                                                           // rust
        "/tcp/65535 | 06ffff",                                                             // rust
        "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC | a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b", // rust
        "/tcp/1234/http | 0604d2e003",                                                     // rust
        "/tcp/1234/tls/http | 0604d2c003e003",                                             // rust
        "/tcp/1234/https | 0604d2bb03",                                                    // rust
        "/ip4/127.0.0.1/udp/1234 | 047f000001910204d2",                                    // rust
        "/ip4/127.0.0.1/tcp/1234 | 047f0000010604d2",                                      // rust
        "/ip6/2001:8a0:7ac5:4201:3ac9:86ff:fe31:7095/tcp/8000/ws/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC | 29200108a07ac542013ac986fffe317095061f40dd03a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b", // rust
        "/ip6/2001:8a0:7ac5:4201:3ac9:86ff:fe31:7095/tcp/8000/wss/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC | 29200108a07ac542013ac986fffe317095061f40de03a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b", // rust
        "/ip4/127.0.0.1/tcp/9090/p2p-circuit/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC | 047f000001062382a202a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b", // rust
        "/dnsaddr/sjc-1.bootstrap.libp2p.io | 3819736a632d312e626f6f7473747261702e6c69627032702e696f", // rust
        "/dnsaddr/sjc-1.bootstrap.libp2p.io/tcp/1234/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN | 3819736a632d312e626f6f7473747261702e6c69627032702e696f0604d2a50322122006b3608aa000274049eb28ad8e793a26ff6fab281a7d3bd77cd18eb745dfaabb", // rust
        "/ip4/127.0.0.1/tcp/127/ws | 047f00000106007fdd03",                                // rust
        "/ip4/127.0.0.1/tcp/127/tls | 047f00000106007fc003",                               // rust
        "/ip4/127.0.0.1/tcp/127/tls/ws | 047f00000106007fc003dd03",                        // rust
        "/ip4/127.0.0.1/tcp/127/noise | 047f00000106007fc603",                             // rust
        "/ip4/127.0.0.1/udp/1234/webrtc-direct | 047f000001910204d29802",                  // rust
        "/ip4/127.0.0.1/udp/1234/webrtc-direct/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g | 047f000001910204d29802d203221220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2", // rust
        "/ip4/127.0.0.1/udp/1234/quic/webtransport | 047f000001910204d2cc03d103",          // rust
        "/ip4/127.0.0.1/udp/1234/webtransport/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g | 047f000001910204d2d103d203221220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2", // rust
        "/ip4/127.0.0.1/udp/4001/quic-v1 | 047f00000191020fa1cd03",
        "/dns/example.com/tcp/443 | 350b6578616d706c652e636f6d0601bb",
        "/dns4/example.com | 360b6578616d706c652e636f6d",
        "/dns6/example.com | 370b6578616d706c652e636f6d",
        "/ip6zone/eth0/ip6/fe80::1 | 2a0465746830 29fe800000000000000000000000000001",
        "/unix/tmp/p.sock | 90030b2f746d702f702e736f636b",
        "/memory/1234 | 8906 00000000000004d2",
        "/ip4/1.2.3.4/tcp/80/webrtc | 04010203040600509902",
        "/ip4/1.2.3.4/tcp/443/tls/sni/example.com/http | 040102030406 01bbc003c1030b6578616d706c652e636f6de003",
    })
    void textAndBinaryFormsMatch(String text, String hex) throws Exception {
        byte[] bytes = Multibase.fromHex(hex.replace(" ", ""));
        Multiaddr fromText = Multiaddr.parse(text);
        assertThat(Multibase.hex(fromText.bytes())).isEqualTo(Multibase.hex(bytes));
        Multiaddr fromBytes = Multiaddr.fromBytes(bytes);
        assertThat(fromBytes.toString()).isEqualTo(text);
        assertThat(fromBytes).isEqualTo(fromText).hasSameHashCodeAs(fromText);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // the old /ipfs/ name is read and printed as /p2p/
        "/ip4/127.0.0.1/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234 | /ip4/127.0.0.1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
        // a CIDv1 peer id is printed as base58btc (py-multiaddr tests/test_multiaddr.py, test_split)
        "/ip4/127.0.0.1/p2p/bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm/tcp/1234 | /ip4/127.0.0.1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
        // a trailing slash is accepted
        "/ip4/127.0.0.1/udp/1234/ | /ip4/127.0.0.1/udp/1234",
        // IPv6 is printed in RFC 5952 canonical form
        "/ip6/2001:DB8:0:0:0:0:0:1 | /ip6/2001:db8::1",
        "/ip6/0:0:0:0:0:0:0:0 | /ip6/::",
        "/ip6/1:0:0:2:0:0:0:3 | /ip6/1:0:0:2::3",
        "/ip6/1:0:2:0:3:0:4:0 | /ip6/1:0:2:0:3:0:4:0",
        "/ip6/::ffff:1.2.3.4 | /ip6/::ffff:1.2.3.4",
        // a unix path keeps every segment
        "/ip4/1.2.3.4/tcp/80/unix/a/b/c/d/e/f | /ip4/1.2.3.4/tcp/80/unix/a/b/c/d/e/f",
    })
    void textIsNormalised(String input, String canonical) {
        assertThat(Multiaddr.parse(input).toString()).isEqualTo(canonical);
    }

    /** Mostly the construct_fail table of rust-multiaddr tests/lib.rs, plus cases of our own. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'' | must start with '/'",
        "ip4/1.2.3.4 | must start with '/'",
        "/ | at least one component",
        "/ip4 | missing its value",
        "/ip4/::1 | invalid IPv4 address",
        "/ip4/fdpsofodsajfdoisa | invalid IPv4 address",
        "/ip4/1.2.3.256 | > 255",
        "/ip4/1.2.3 | invalid IPv4 address",
        "/ip4/01.2.3.4 | invalid IPv4 address",
        "/ip6 | missing its value",
        "/ip6/1.2.3.4 | invalid IPv6 address",
        "/ip6/fe80::1%eth0 | invalid IPv6 address",
        "/ip6/::g | invalid IPv6 address",
        "/ip6/1:2:3:4:5:6:7:8:9 | invalid IPv6 address",
        "/udp | missing its value",
        "/tcp | missing its value",
        "/udp/65536 | out of range",
        "/tcp/65536 | out of range",
        "/tcp/-1 | invalid port",
        "/tcp/0x10 | invalid port",
        "/ip4/127.0.0.1/udp/jfodsajfidosajfoidsa | invalid port",
        "/ip4/127.0.0.1/p2p | missing its value",
        "/ip4/127.0.0.1/p2p/tcp | unsupported multibase prefix",
        "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNK0 | base58btc character '0'",
        "/p2p/Qm1 | not a multihash",
        "/p2p/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy | not libp2p-key",
        "/p2p-circuit/50 | unknown protocol '50'",
        "/ip4/127.0.0.1/udp/1234/webrtc-direct/certhash | missing its value",
        "/ip4/127.0.0.1/udp/1234/webrtc-direct/certhash/b2uaraocy6yrdblb4sfptaddgimjmmp | cannot encode whole bytes",
        "/unknown/1.2.3.4 | unknown protocol 'unknown'",
        "/ip4/1.2.3.4//tcp/80 | empty protocol name",
        "/dns | missing its value",
        "/unix | empty path",
        "/memory/-5 | invalid number",
    })
    void malformedTextFailsWithAClearMessage(String text, String message) {
        assertThatThrownBy(() -> Multiaddr.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'' | empty multiaddr",
        "01020304 | unknown protocol code 1 at byte 0",
        "047f0000 | runs past the end",
        "047f0000010604 | runs past the end",
        "0401020304ff | varint truncated",
        "a50364 | runs past the end",
        "a503050102030405 | not a multihash",
        "3500 | empty value",
        "35022f61 | contains '/'",
        "3502c328 | not valid UTF-8",
        "0480 | runs past the end",
        "04010203048000 | not minimally encoded",
    })
    void malformedBinaryFailsWithAClearMessage(String hex, String message) {
        byte[] bytes = Multibase.fromHex(hex);
        assertThatThrownBy(() -> Multiaddr.fromBytes(bytes))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void binaryOverTheSizeLimitIsRefused() {
        assertThatThrownBy(() -> Multiaddr.fromBytes(new byte[Multiaddr.MAX_BYTES + 1]))
                .isInstanceOf(MessageTooLargeException.class);
    }

    @Test
    void encapsulateAndDecapsulate() {
        Multiaddr ip = Multiaddr.parse("/ip4/1.2.3.4");
        Multiaddr full = ip.encapsulate(Multiaddr.parse("/tcp/80/ws/tcp/80"));
        assertThat(full).hasToString("/ip4/1.2.3.4/tcp/80/ws/tcp/80");
        // the last occurrence is cut
        assertThat(full.decapsulate(Multiaddr.parse("/tcp/80"))).contains(Multiaddr.parse("/ip4/1.2.3.4/tcp/80/ws"));
        assertThat(full.decapsulate(Multiaddr.parse("/tcp/80/ws"))).contains(ip);
        assertThat(full.decapsulate(ip)).isEmpty();
        assertThat(full.decapsulate(Multiaddr.parse("/udp/80"))).isEmpty();
        assertThat(full.decapsulate(MultiaddrProtocol.WS)).contains(Multiaddr.parse("/ip4/1.2.3.4/tcp/80"));
        assertThat(full.decapsulate(MultiaddrProtocol.UDP)).contains(full);
    }

    @Test
    void valuesAndPeerIdAreExtracted() {
        Multiaddr a = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC");
        assertThat(a.valueOf(MultiaddrProtocol.TCP)).contains("4001");
        assertThat(a.valueOf(MultiaddrProtocol.IP4)).contains("127.0.0.1");
        assertThat(a.valueOf(MultiaddrProtocol.UDP)).isEmpty();
        assertThat(a.valueOf(MultiaddrProtocol.P2P)).contains("QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC");
        assertThat(a.has(MultiaddrProtocol.P2P)).isTrue();
        assertThat(a.trailingPeerIdBytes()).isPresent();
        assertThat(Multibase.hex(a.trailingPeerIdBytes().orElseThrow()))
                .isEqualTo("1220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b");
        assertThat(Multiaddr.parse("/ip4/127.0.0.1/tcp/1").trailingPeerIdBytes()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ip4/127.0.0.1/udp/1234", "/ip4/127.0.0.1/tcp/1234"})
    void equalityIsOnTheBinaryForm(String text) throws Exception {
        Multiaddr a = Multiaddr.parse(text);
        Multiaddr b = Multiaddr.fromBytes(a.bytes());
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(Multiaddr.parse("/ip4/127.0.0.1/udp/1234")).isNotEqualTo(Multiaddr.parse("/ip4/127.0.0.1/tcp/1234"));
    }

    @Test
    void componentsAreImmutableCopies() {
        Multiaddr a = Multiaddr.parse("/ip4/1.2.3.4");
        byte[] value = a.components().get(0).value();
        value[0] = 9;
        assertThat(a).hasToString("/ip4/1.2.3.4");
        assertThatThrownBy(() -> new Multiaddr.Component(MultiaddrProtocol.IP4, new byte[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes 4 bytes");
    }
}
