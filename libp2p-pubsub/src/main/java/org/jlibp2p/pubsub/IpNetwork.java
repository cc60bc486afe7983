package org.jlibp2p.pubsub;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), as go's
 * {@code net.ParseCIDR} reads it: for {@link PeerScoreParams#ipColocationFactorWhitelist()}. Only
 * address literals are read; a name is refused and never looked up.
 *
 * @param address the network's address bytes (4 or 16), host bits cleared
 * @param prefix  the number of leading bits that name the network
 */
record IpNetwork(byte[] address, int prefix) {
    /**
     * Reads a network.
     *
     * @param cidr such as {@code 192.168.0.0/16} or {@code fd00::/8}
     * @return the network
     * @throws IllegalArgumentException if it is not an IPv4 or IPv6 literal, a slash and a prefix length in range
     */
    static IpNetwork parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR network (address/prefix): " + cidr);
        }
        byte[] address = literal(cidr.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("not an IP address literal: " + cidr);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length: " + cidr);
        }
        if (prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("a prefix length out of range: " + cidr);
        }
        for (int bit = prefix; bit < address.length * 8; bit++) {
            address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new IpNetwork(address, prefix);
    }

    /**
     * {@return true if the address is in this network} An address of the other family, or one
     * that is not a literal, is not.
     *
     * @param ip an address literal, as a multiaddr's {@code ip4} or {@code ip6} value
     */
    boolean contains(String ip) {
        byte[] a = literal(ip);
        if (a == null || a.length != address.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (address[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** {@return the bytes of an IPv4 dotted quad or an IPv6 literal, or null} Never a name lookup. */
    static byte[] literal(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return null;
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }
        // an IPv6 literal: hex digits, colons and an embedded dotted quad only, so InetAddress never resolves a name
        // (InetAddress takes a string as a literal only if it starts with an ASCII hex digit or a colon)
        if (s.isEmpty() || !(s.charAt(0) == ':' || asciiHex(s.charAt(0))) || !s.chars().allMatch(c -> c == ':' || c == '.' || asciiHex(c))) {
            return null;
        }
        try {
            byte[] b = InetAddress.getByName(s).getAddress();
            if (b.length == 4) { // an IPv4-mapped IPv6 literal (::ffff:a.b.c.d): go keeps it in its IPv6 form
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(b, 0, mapped, 12, 4);
                return mapped;
            }
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean asciiHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpNetwork n && n.prefix == prefix && Arrays.equals(n.address, address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(address).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
