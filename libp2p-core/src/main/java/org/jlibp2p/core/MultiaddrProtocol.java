package org.jlibp2p.core;

import java.util.HashMap;
import java.util.Map;

/**
 * The protocols a {@link Multiaddr} can name, with the code, name and value size of the multiaddr
 * protocol table (multiformats/multiaddr {@code protocols.csv}, mirrored in multiformats/multicodec).
 *
 * <p>Each protocol's value is either absent (size 0), of a fixed number of bits (ip4: 32, tcp: 16),
 * or variable, in which case the binary form carries a varint length before it. How the value
 * looks in text is the protocol's {@link MultiaddrTranscoder}.
 */
public enum MultiaddrProtocol {
    /** IPv4 address, 4 bytes. */
    IP4(4, "ip4", 32, MultiaddrTranscoder.IP4),
    /** TCP port, 2 bytes big-endian. */
    TCP(6, "tcp", 16, MultiaddrTranscoder.PORT),
    /** IPv6 address, 16 bytes. */
    IP6(41, "ip6", 128, MultiaddrTranscoder.IP6),
    /** IPv6 zone (scope) of the address that follows it, such as {@code eth0}. */
    IP6ZONE(42, "ip6zone", MultiaddrTranscoder.VARIABLE, MultiaddrTranscoder.NAME),
    /** A DNS name to be resolved to IPv4 or IPv6. */
    DNS(53, "dns", MultiaddrTranscoder.VARIABLE, MultiaddrTranscoder.NAME),
    /** A DNS name to be resolved to IPv4 only. */
    DNS4(54, "dns4", MultiaddrTranscoder.VARIABLE, MultiaddrTranscoder.NAME),
    /** A DNS name to be resolved to IPv6 only. */
    DNS6(55, "dns6", MultiaddrTranscoder.VARIABLE, MultiaddrTranscoder.NAME),
    /** A DNS name whose TXT records hold multiaddrs (multiaddr protocols/dnsaddr.md). */
    DNSADDR(56, "dnsaddr", MultiaddrTranscoder.VARIABLE, MultiaddrTranscoder.NAME),
    /** UDP port, 2 bytes big-endian. */
    UDP(273, "udp", 16, MultiaddrTranscoder.PORT),
    /** A relayed connection through the peer before it (circuit relay v2). */
    P2P_CIRCUIT(290, "p2p-circuit", 0, MultiaddrTranscoder.NONE),
    /** WebRTC direct, browser to server. */
    WEBRTC_DIRECT(280, "webrtc-direct", 0, MultiaddrTranscoder.NONE),
    /** WebRTC, browser to browser. */
    WEBRTC(281, "webrtc", 0, MultiaddrTranscoder.NONE),
    /** A Unix domain socket path; in text it takes the rest of the address. */
    UNIX(400, "unix", MultiaddrTranscoder.VARIABLE, MultiaddrTranscoder.PATH),
    /** A peer id (multihash). {@code /ipfs/} is accepted as an old name and printed as {@code /p2p/}. */
    P2P(421, "p2p", MultiaddrTranscoder.VARIABLE, MultiaddrTranscoder.PEER_ID),
    /** HTTPS (multiaddr protocols/http.md). */
    HTTPS(443, "https", 0, MultiaddrTranscoder.NONE),
    /** TLS security. */
    TLS(448, "tls", 0, MultiaddrTranscoder.NONE),
    /** TLS server name indication. */
    SNI(449, "sni", MultiaddrTranscoder.VARIABLE, MultiaddrTranscoder.NAME),
    /** Noise security. */
    NOISE(454, "noise", 0, MultiaddrTranscoder.NONE),
    /** QUIC draft-29 (deprecated). */
    QUIC(460, "quic", 0, MultiaddrTranscoder.NONE),
    /** QUIC version 1 (RFC 9000). */
    QUIC_V1(461, "quic-v1", 0, MultiaddrTranscoder.NONE),
    /** WebTransport over QUIC. */
    WEBTRANSPORT(465, "webtransport", 0, MultiaddrTranscoder.NONE),
    /** A certificate hash (multibase-encoded multihash in text), used by WebTransport and WebRTC. */
    CERTHASH(466, "certhash", MultiaddrTranscoder.VARIABLE, MultiaddrTranscoder.CERTHASH),
    /** WebSocket. */
    WS(477, "ws", 0, MultiaddrTranscoder.NONE),
    /** WebSocket over TLS. */
    WSS(478, "wss", 0, MultiaddrTranscoder.NONE),
    /** HTTP (multiaddr protocols/http.md). */
    HTTP(480, "http", 0, MultiaddrTranscoder.NONE),
    /** An in-process memory transport address, a 64-bit number. */
    MEMORY(777, "memory", 64, MultiaddrTranscoder.U64);

    private static final Map<Integer, MultiaddrProtocol> BY_CODE = new HashMap<>();
    private static final Map<String, MultiaddrProtocol> BY_NAME = new HashMap<>();

    static {
        for (MultiaddrProtocol p : values()) {
            BY_CODE.put(p.code, p);
            BY_NAME.put(p.protocolName, p);
        }
        // The p2p protocol was first called ipfs; text with the old name is still in the wild.
        BY_NAME.put("ipfs", P2P);
    }

    private final int code;
    private final String protocolName;
    private final int sizeBits;
    private final MultiaddrTranscoder codec;

    MultiaddrProtocol(int code, String protocolName, int sizeBits, MultiaddrTranscoder codec) {
        this.code = code;
        this.protocolName = protocolName;
        this.sizeBits = sizeBits;
        this.codec = codec;
    }

    /** {@return the code written as a varint in the binary form} */
    public int code() {
        return code;
    }

    /** {@return the name written in the text form} */
    public String protocolName() {
        return protocolName;
    }

    /** {@return true if this protocol carries a value} */
    public boolean hasValue() {
        return sizeBits != 0;
    }

    /** {@return true if the value's length is written before it in the binary form} */
    public boolean isVariableSize() {
        return sizeBits == MultiaddrTranscoder.VARIABLE;
    }

    /** {@return the fixed value size in bytes; meaningful only when {@link #isVariableSize()} is false} */
    public int fixedSizeBytes() {
        return sizeBits / 8;
    }

    MultiaddrTranscoder codec() {
        return codec;
    }

    /**
     * Looks a protocol up by its code.
     *
     * @param code the code
     * @return the protocol, or null if this library does not know it
     */
    public static MultiaddrProtocol forCode(long code) {
        return code > Integer.MAX_VALUE ? null : BY_CODE.get((int) code);
    }

    /**
     * Looks a protocol up by its text name ({@code ipfs} gives {@link #P2P}).
     *
     * @param name the name
     * @return the protocol, or null if this library does not know it
     */
    public static MultiaddrProtocol forName(String name) {
        return BY_NAME.get(name);
    }
}
