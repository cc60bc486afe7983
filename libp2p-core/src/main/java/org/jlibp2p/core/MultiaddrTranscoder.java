package org.jlibp2p.core;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jlibp2p.core.codec.Cid;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.codec.Multihash;

/**
 * How a multiaddr protocol's value is written in text and checked in binary ("transcoders" in the
 * reference implementations). Each method reports a problem as {@link IllegalArgumentException}
 * whose message says what is wrong with the value; {@link Multiaddr} adds where it is.
 */
enum MultiaddrTranscoder {
    /** No value. */
    NONE {
        @Override byte[] fromText(String text) { return new byte[0]; }
        @Override String toText(byte[] value) { return ""; }
    },
    /** Dotted-quad IPv4: four decimal octets, no leading zeros. */
    IP4 {
        @Override byte[] fromText(String text) { return parseIp4(text); }
        @Override String toText(byte[] v) { return (v[0] & 255) + "." + (v[1] & 255) + "." + (v[2] & 255) + "." + (v[3] & 255); }
    },
    /** IPv6 in any RFC 4291 text form; printed in the RFC 5952 canonical form. */
    IP6 {
        @Override byte[] fromText(String text) { return parseIp6(text); }
        @Override String toText(byte[] value) { return formatIp6(value); }
    },
    /** A port, 0 to 65535, two bytes big-endian. */
    PORT {
        @Override byte[] fromText(String text) {
            long port = parseDecimal(text, 65535, "port");
            return new byte[] {(byte) (port >>> 8), (byte) port};
        }
        @Override String toText(byte[] v) { return Integer.toString((v[0] & 255) << 8 | (v[1] & 255)); }
    },
    /** An unsigned 64-bit number, eight bytes big-endian. */
    U64 {
        @Override byte[] fromText(String text) {
            long n = parseDecimal(text, Long.MAX_VALUE, "number");
            return ByteBuffer.allocate(8).putLong(n).array();
        }
        @Override String toText(byte[] v) { return Long.toUnsignedString(ByteBuffer.wrap(v).getLong()); }
        @Override void validate(byte[] v) {
            if (ByteBuffer.wrap(v).getLong() < 0) {
                throw new IllegalArgumentException("value above 2^63-1 is not supported");
            }
        }
    },
    /** A non-empty UTF-8 name without '/': DNS names, zones, SNI. */
    NAME {
        @Override byte[] fromText(String text) {
            validateName(text);
            return text.getBytes(StandardCharsets.UTF_8);
        }
        @Override String toText(byte[] value) { return utf8(value); }
        @Override void validate(byte[] value) { validateName(utf8(value)); }
    },
    /**
     * A file system path. The text form takes the rest of the address, so {@code /unix/tmp/p.sock}
     * holds the path {@code /tmp/p.sock}; the binary form stores the path with its leading slash
     * (as go-multiaddr does).
     */
    PATH {
        @Override byte[] fromText(String text) {
            if (text.isEmpty() || text.equals("/")) {
                throw new IllegalArgumentException("empty path");
            }
            return text.getBytes(StandardCharsets.UTF_8);
        }
        @Override String toText(byte[] value) {
            String path = utf8(value);
            return path.startsWith("/") ? path.substring(1) : path;
        }
        @Override void validate(byte[] value) {
            if (utf8(value).isEmpty()) {
                throw new IllegalArgumentException("empty path");
            }
        }
    },
    /**
     * A peer id: a multihash. Text is base58btc ({@code Qm...}, {@code 12D3KooW...}) or, per
     * peer-ids/peer-ids.md, a CIDv1 with the libp2p-key codec; it is always printed as base58btc.
     */
    PEER_ID {
        @Override byte[] fromText(String text) {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty peer id");
            }
            byte[] multihash;
            if (text.startsWith("Qm") || text.startsWith("1")) {
                multihash = Multibase.BASE58BTC.decodeRaw(text);
            } else {
                Cid cid = Cid.parse(text);
                if (cid.codec() != Cid.LIBP2P_KEY) {
                    throw new IllegalArgumentException("CID codec 0x" + Long.toHexString(cid.codec()) + " is not libp2p-key");
                }
                multihash = cid.multihash().bytes();
            }
            validate(multihash);
            return multihash;
        }
        @Override String toText(byte[] value) { return Multibase.BASE58BTC.encodeRaw(value); }
        @Override void validate(byte[] value) { requireMultihash(value); }
    },
    /** A certificate hash: a multibase-encoded multihash in text, printed in base64url. */
    CERTHASH {
        @Override byte[] fromText(String text) {
            byte[] multihash = Multibase.decode(text);
            validate(multihash);
            return multihash;
        }
        @Override String toText(byte[] value) { return Multibase.BASE64URL.encode(value); }
        @Override void validate(byte[] value) { requireMultihash(value); }
    };

    /** Marks a variable-size protocol in {@link MultiaddrProtocol}'s size column. */
    static final int VARIABLE = -1;

    /** Parses a value from its text form. */
    abstract byte[] fromText(String text);

    /** Formats a valid value as text. */
    abstract String toText(byte[] value);

    /** Checks a value that came in binary form (fixed sizes are checked by the caller). */
    void validate(byte[] value) {}

    private static byte[] parseIp4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("invalid IPv4 address '" + text + "'");
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0') || !allDigits(part)) {
                throw new IllegalArgumentException("invalid IPv4 address '" + text + "'");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("invalid IPv4 address '" + text + "': octet " + octet + " > 255");
            }
            out[i] = (byte) octet;
        }
        return out;
    }

    private static byte[] parseIp6(String text) {
        // InetAddress parses an IPv6 literal without any DNS lookup as long as the text contains ':'
        // (a text with ':' that is not a literal is rejected, never resolved). Zones go in /ip6zone.
        if (text.indexOf(':') < 0 || text.indexOf('%') >= 0 || text.startsWith("[")) {
            throw new IllegalArgumentException("invalid IPv6 address '" + text + "'");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                throw new IllegalArgumentException("invalid IPv6 address '" + text + "'");
            }
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid IPv6 address '" + text + "'");
        }
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            // The JDK turns ::ffff:a.b.c.d into an IPv4 address; keep the 16-byte mapped form.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(raw, 0, mapped, 12, 4);
            return mapped;
        }
        return raw;
    }

    /** RFC 5952 section 4: lower case, no leading zeros, the longest run (2+) of zero groups as "::". */
    static String formatIp6(byte[] v) {
        boolean v4Mapped = true;
        for (int i = 0; i < 10; i++) {
            v4Mapped &= v[i] == 0;
        }
        v4Mapped &= v[10] == (byte) 0xff && v[11] == (byte) 0xff;
        if (v4Mapped) {
            // go-multiaddr prints IPv4-mapped addresses this way too (RFC 5952 section 5).
            return "::ffff:" + IP4.toText(new byte[] {v[12], v[13], v[14], v[15]});
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (v[2 * i] & 255) << 8 | (v[2 * i + 1] & 255);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    private static long parseDecimal(String text, long max, String what) {
        if (text.isEmpty() || text.length() > 19 || !allDigits(text) || (text.length() > 1 && text.charAt(0) == '0')) {
            throw new IllegalArgumentException("invalid " + what + " '" + text + "'");
        }
        long n = Long.parseLong(text);
        if (n > max) {
            throw new IllegalArgumentException(what + " " + text + " is out of range (0 to " + max + ")");
        }
        return n;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static void validateName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty value");
        }
        if (name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("value '" + name + "' contains '/'");
        }
    }

    private static void requireMultihash(byte[] value) {
        try {
            Multihash.decode(value);
        } catch (org.jlibp2p.core.MalformedMessageException e) {
            throw new IllegalArgumentException("not a multihash: " + e.getMessage());
        }
    }

    private static String utf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("value is not valid UTF-8");
        }
    }
}
