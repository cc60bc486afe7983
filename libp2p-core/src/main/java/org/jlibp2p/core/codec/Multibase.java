package org.jlibp2p.core.codec;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;

/**
 * Self-describing base encodings, per <a href="https://github.com/multiformats/multibase">multiformats/multibase</a>:
 * the first character names the base, the rest is the data in that base.
 *
 * <pre>
 *   z  base58btc           (bitcoin alphabet; also the bare form of peer ids: "12D3KooW...")
 *   b  base32 lower, no padding (RFC 4648; the default for CIDv1, so "bafz..." peer ids)
 *   f  base16 lower        (hex)
 *   u  base64url, no padding (RFC 4648 §5; what multiaddr prints for /certhash)
 * </pre>
 *
 * Decoding errors are {@link IllegalArgumentException}s naming the bad character and its position:
 * multibase text comes from people and configuration, not from the wire.
 */
public enum Multibase {
    /** base58btc, prefix {@code z}. */
    BASE58BTC('z'),
    /** RFC 4648 base32, lower case, no padding, prefix {@code b}. */
    BASE32('b'),
    /** Lower-case hexadecimal, prefix {@code f}. */
    BASE16('f'),
    /** RFC 4648 base64 with the URL and file name alphabet, no padding, prefix {@code u}. */
    BASE64URL('u');

    private static final String BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final String BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final String HEX = "0123456789abcdef";
    private static final BigInteger FIFTY_EIGHT = BigInteger.valueOf(58);

    private final char prefix;

    Multibase(char prefix) {
        this.prefix = prefix;
    }

    /** {@return the character that names this base} */
    public char prefix() {
        return prefix;
    }

    /**
     * Encodes with the prefix character.
     *
     * @param data the bytes
     * @return prefix + encoded text
     */
    public String encode(byte[] data) {
        return prefix + encodeRaw(data);
    }

    /**
     * Encodes without the prefix character.
     *
     * @param data the bytes
     * @return the encoded text
     */
    public String encodeRaw(byte[] data) {
        return switch (this) {
            case BASE58BTC -> base58Encode(data);
            case BASE32 -> base32Encode(data);
            case BASE16 -> base16Encode(data);
            case BASE64URL -> Base64.getUrlEncoder().withoutPadding().encodeToString(data);
        };
    }

    /**
     * Decodes text without a prefix character.
     *
     * @param text the encoded text
     * @return the bytes
     * @throws IllegalArgumentException if a character is outside the alphabet or the length is impossible
     */
    public byte[] decodeRaw(String text) {
        return switch (this) {
            case BASE58BTC -> base58Decode(text);
            case BASE32 -> base32Decode(text);
            case BASE16 -> base16Decode(text);
            case BASE64URL -> base64UrlDecode(text);
        };
    }

    /**
     * The base named by a prefix character.
     *
     * @param prefix the first character of a multibase string
     * @return the base
     * @throws IllegalArgumentException if this library does not implement that base
     */
    public static Multibase forPrefix(char prefix) {
        for (Multibase base : values()) {
            if (base.prefix == prefix) {
                return base;
            }
        }
        throw new IllegalArgumentException("unsupported multibase prefix '" + prefix + "'");
    }

    /**
     * Decodes a multibase string: the first character picks the base.
     *
     * @param text prefix + encoded text
     * @return the bytes
     * @throws IllegalArgumentException if the text is empty, the base unknown or the text malformed
     */
    public static byte[] decode(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty multibase string");
        }
        return forPrefix(text.charAt(0)).decodeRaw(text.substring(1));
    }

    // base58btc: the bytes as one big-endian number written in base 58; each leading zero byte is a '1'.

    /**
     * Divides the number by 58 again and again, in place, a byte at a time, each remainder the next
     * digit from the right (as Bitcoin's reference code does). A peer id's text is made once per
     * connection: with BigInteger that was some 50 divisions, each allocating its quotient.
     */
    private static String base58Encode(byte[] data) {
        int zeros = 0;
        while (zeros < data.length && data[zeros] == 0) {
            zeros++;
        }
        byte[] number = Arrays.copyOfRange(data, zeros, data.length);
        char[] digits = new char[number.length * 138 / 100 + 1]; // log(256) / log(58) < 1.38 digits per byte
        int first = digits.length;
        int start = 0; // the number's first nonzero byte
        while (start < number.length) {
            int remainder = 0;
            for (int i = start; i < number.length; i++) {
                int value = remainder * 256 + (number[i] & 0xFF);
                number[i] = (byte) (value / 58);
                remainder = value % 58;
            }
            digits[--first] = BASE58_ALPHABET.charAt(remainder);
            while (start < number.length && number[start] == 0) {
                start++;
            }
        }
        return "1".repeat(zeros) + new String(digits, first, digits.length - first);
    }

    private static byte[] base58Decode(String text) {
        BigInteger n = BigInteger.ZERO;
        int zeros = 0;
        while (zeros < text.length() && text.charAt(zeros) == '1') {
            zeros++;
        }
        for (int i = 0; i < text.length(); i++) {
            int digit = BASE58_ALPHABET.indexOf(text.charAt(i));
            if (digit < 0) {
                throw badChar("base58btc", text, i);
            }
            n = n.multiply(FIFTY_EIGHT).add(BigInteger.valueOf(digit));
        }
        byte[] magnitude = n.signum() == 0 ? new byte[0] : n.toByteArray();
        int skip = magnitude.length > 0 && magnitude[0] == 0 ? 1 : 0; // BigInteger's sign byte
        byte[] out = new byte[zeros + magnitude.length - skip];
        System.arraycopy(magnitude, skip, out, zeros, magnitude.length - skip);
        return out;
    }

    // base32: five bits per character, most significant first (RFC 4648 §6), no '=' padding.

    private static String base32Encode(byte[] data) {
        StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                sb.append(BASE32_ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(BASE32_ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return sb.toString();
    }

    private static byte[] base32Decode(String text) {
        // Lengths 1, 3 and 6 (mod 8) cannot come from whole bytes.
        int rest = text.length() % 8;
        if (rest == 1 || rest == 3 || rest == 6) {
            throw new IllegalArgumentException("base32 text of " + text.length() + " characters cannot encode whole bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < text.length(); i++) {
            int value = BASE32_ALPHABET.indexOf(text.charAt(i));
            if (value < 0) {
                throw badChar("base32", text, i);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >>> (bits - 8)) & 0xFF);
                bits -= 8;
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException("base32 text has non-zero trailing bits");
        }
        return out.toByteArray();
    }

    private static String base16Encode(byte[] data) {
        StringBuilder sb = new StringBuilder(data.length * 2);
        for (byte b : data) {
            sb.append(HEX.charAt((b >>> 4) & 15)).append(HEX.charAt(b & 15));
        }
        return sb.toString();
    }

    private static byte[] base16Decode(String text) {
        if (text.length() % 2 != 0) {
            throw new IllegalArgumentException("base16 text has an odd number of characters");
        }
        byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(text.charAt(2 * i), 16);
            int lo = Character.digit(text.charAt(2 * i + 1), 16);
            if (hi < 0) {
                throw badChar("base16", text, 2 * i);
            }
            if (lo < 0) {
                throw badChar("base16", text, 2 * i + 1);
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    private static byte[] base64UrlDecode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                throw badChar("base64url", text, i);
            }
        }
        return Base64.getUrlDecoder().decode(text);
    }

    private static IllegalArgumentException badChar(String base, String text, int index) {
        return new IllegalArgumentException("invalid " + base + " character '" + text.charAt(index) + "' at position " + index);
    }

    /**
     * Hex, lower case, no prefix: the usual form for test vectors and logs.
     *
     * @param data the bytes
     * @return hexadecimal text
     */
    public static String hex(byte[] data) {
        return base16Encode(data);
    }

    /**
     * Parses hexadecimal text (either case, no prefix).
     *
     * @param text hexadecimal text
     * @return the bytes
     * @throws IllegalArgumentException if the text is not hexadecimal
     */
    public static byte[] fromHex(String text) {
        return base16Decode(text);
    }
}
