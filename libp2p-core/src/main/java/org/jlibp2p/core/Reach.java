package org.jlibp2p.core;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * How far an IP address reaches, as go-libp2p's multiaddr helpers rank it ({@code manet.IsIPLoopback},
 * {@code IsPrivateAddr}, {@code IsPublicAddr}), in increasing order: loopback, private, public.
 * Identify keeps the farthest-reaching addresses when not all fit, and a relay announces only
 * public ones by default.
 */
public enum Reach {
    /** 127/8 and ::1: this machine only. */
    LOOPBACK,
    /**
     * Private (RFC 1918, RFC 4193 fc00::/7, the shared 100.64/10), link-local, multicast or
     * unspecified: a local network at most.
     */
    PRIVATE,
    /** Any other address: reachable from the internet, as far as the address tells. */
    PUBLIC;

    /**
     * {@return the reach of an IP address} An IPv4-mapped IPv6 address reaches as its IPv4 address.
     *
     * @param ip the address's 4 or 16 bytes, as in an {@code ip4} or {@code ip6} multiaddr component;
     *           other lengths count as private
     */
    public static Reach ofIp(byte[] ip) {
        InetAddress address;
        try {
            address = InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            return PRIVATE;
        }
        if (address.isLoopbackAddress()) {
            return LOOPBACK;
        }
        byte[] b = address.getAddress(); // an IPv4-mapped IPv6 address as its IPv4 address
        boolean sharedSpace = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64.0.0/10
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc; // fc00::/7
        boolean local = address.isSiteLocalAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress() || sharedSpace || uniqueLocal;
        return local ? PRIVATE : PUBLIC;
    }
}
