package org.jlibp2p.noise;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD_CHACHA20_POLY1305 (RFC 8439 §2.8), Noise's ChaChaPoly cipher (Noise §12.3), in one of three
 * ways that produce the same bytes:
 * <ul>
 *   <li>{@link Jdk}: the JDK's {@code ChaCha20-Poly1305} cipher, whole;</li>
 *   <li>{@link Composed}: the JDK's {@code ChaCha20} stream cipher with this module's
 *       {@link Poly1305}, put together as §2.8 describes;</li>
 *   <li>{@link BySize}: the composed form for messages under {@value BySize#SHORT} bytes, the JDK's
 *       for longer ones.</li>
 * </ul>
 * The JDK makes Poly1305 fast only where the JVM has an intrinsic for it (x86-64 with AVX-512 IFMA,
 * AArch64); elsewhere its Poly1305 costs more than ChaCha20 and the composed form encrypts about a
 * third faster. {@link #create()} picks the composed form only where it knows the JDK's Poly1305 is
 * slow: Linux on x86-64 whose {@code /proc/cpuinfo} lists neither {@code avx512ifma} nor
 * {@code avx_ifma}; everywhere else it picks {@link Jdk}. The system property {@value #PROPERTY}
 * ({@code jdk}, {@code composed} or {@code bysize}) overrides the choice. {@link BySize} is for a
 * host that runs on and exchanges many short messages: even with the intrinsic, the JDK sets up a
 * new Poly1305 for every message, which costs more than a short message's bytes; but a fresh process
 * then compiles both forms, which a short run does not pay back.
 */
abstract sealed class ChaChaPoly permits ChaChaPoly.Jdk, ChaChaPoly.Composed, ChaChaPoly.BySize {
    /** The system property that overrides the choice of implementation. */
    static final String PROPERTY = "org.jlibp2p.noise.chachapoly";
    static final int TAG_LENGTH = Poly1305.TAG_LENGTH;
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.noise");
    private static final Form CHOSEN = choose();

    /** The three forms, each with its name in benchmarks and logs. */
    private enum Form {
        JDK("JDK ChaCha20-Poly1305"),
        COMPOSED("JDK ChaCha20 + own Poly1305"),
        BY_SIZE("by size: own Poly1305 under " + BySize.SHORT + " B");

        final String label;

        Form(String label) {
            this.label = label;
        }
    }

    private final Form form;

    private ChaChaPoly(Form form) {
        this.form = form;
    }

    /** The implementation for this JVM and processor. */
    static ChaChaPoly create() {
        return switch (CHOSEN) {
            case JDK -> new Jdk();
            case COMPOSED -> new Composed();
            case BY_SIZE -> new BySize();
        };
    }

    /** The name of the implementation {@link #create()} returns, for benchmarks and logs. */
    static String chosen() {
        return CHOSEN.label;
    }

    /** What this implementation is, in the words of {@link #chosen()}. */
    @Override
    public String toString() {
        return form.label;
    }

    /**
     * Encrypts {@code in[inOff, inOff+len)} into {@code out} at {@code outOff}, followed by the tag
     * ({@code out} may be {@code in}, at the same offset).
     *
     * @return the ciphertext length, {@code len + 16}
     */
    abstract int seal(SecretKeySpec key, byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
            throws GeneralSecurityException;

    /**
     * Checks the tag of {@code buf[off, off+len)} (ciphertext then tag) and decrypts it in place.
     *
     * @return the plaintext length, {@code len - 16}
     * @throws AEADBadTagException if the tag does not authenticate the message
     */
    abstract int open(SecretKeySpec key, byte[] nonce, byte[] ad, byte[] buf, int off, int len) throws GeneralSecurityException;

    /** The JDK's AEAD cipher as it is. */
    static final class Jdk extends ChaChaPoly {
        private final Cipher cipher = cipher("ChaCha20-Poly1305");

        Jdk() {
            super(Form.JDK);
        }

        @Override
        int seal(SecretKeySpec key, byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
                throws GeneralSecurityException {
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
            if (ad != null) {
                cipher.updateAAD(ad);
            }
            return cipher.doFinal(in, inOff, len, out, outOff);
        }

        @Override
        int open(SecretKeySpec key, byte[] nonce, byte[] ad, byte[] buf, int off, int len) throws GeneralSecurityException {
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
            if (ad != null) {
                cipher.updateAAD(ad);
            }
            return cipher.doFinal(buf, off, len, buf, off);
        }
    }

    /** RFC 8439 §2.8 step by step, on the JDK's ChaCha20 and {@link Poly1305}. */
    static final class Composed extends ChaChaPoly {
        private static final byte[] ZEROS = new byte[64];
        private final Cipher chacha20 = cipher("ChaCha20");
        private final Poly1305 poly1305 = new Poly1305();
        private final byte[] block0 = new byte[64];
        private final byte[] lengths = new byte[16];
        private final byte[] tag = new byte[TAG_LENGTH];

        Composed() {
            super(Form.COMPOSED);
        }

        @Override
        int seal(SecretKeySpec key, byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
                throws GeneralSecurityException {
            start(Cipher.ENCRYPT_MODE, key, nonce);
            // "the ChaCha20 encryption function is called to encrypt the plaintext, using the same key and
            // nonce, and with the initial counter set to 1": the cipher has used block 0 already.
            chacha20.doFinal(in, inOff, len, out, outOff);
            authenticate(ad, out, outOff, len);
            poly1305.finish(out, outOff + len);
            return len + TAG_LENGTH;
        }

        @Override
        int open(SecretKeySpec key, byte[] nonce, byte[] ad, byte[] buf, int off, int len) throws GeneralSecurityException {
            int ciphertext = len - TAG_LENGTH;
            start(Cipher.DECRYPT_MODE, key, nonce);
            authenticate(ad, buf, off, ciphertext);
            poly1305.finish(tag, 0);
            // The tag is checked before anything is decrypted, in a time that does not depend on where the bytes differ.
            int difference = 0;
            for (int i = 0; i < TAG_LENGTH; i++) {
                difference |= tag[i] ^ buf[off + ciphertext + i];
            }
            if (difference != 0) {
                throw new AEADBadTagException("tag mismatch");
            }
            chacha20.doFinal(buf, off, ciphertext, buf, off);
            return ciphertext;
        }

        /** §2.6: the one-time Poly1305 key is the first 32 bytes of ChaCha20 block 0 for this key and nonce. */
        private void start(int mode, SecretKeySpec key, byte[] nonce) throws GeneralSecurityException {
            chacha20.init(mode, key, new ChaCha20ParameterSpec(nonce, 0));
            chacha20.update(ZEROS, 0, 64, block0, 0);
            poly1305.init(block0, 0);
        }

        /** §2.8: mac_data = AAD | pad16(AAD) | ciphertext | pad16(ciphertext) | le64(AAD length) | le64(ciphertext length). */
        private void authenticate(byte[] ad, byte[] ciphertext, int off, int len) {
            int adLength = ad == null ? 0 : ad.length;
            if (adLength > 0) {
                poly1305.update(ad, 0, adLength);
                poly1305.update(ZEROS, 0, -adLength & 15);
            }
            poly1305.update(ciphertext, off, len);
            poly1305.update(ZEROS, 0, -len & 15);
            for (int i = 0; i < 8; i++) {
                lengths[i] = (byte) ((long) adLength >>> (8 * i));
                lengths[8 + i] = (byte) ((long) len >>> (8 * i));
            }
            poly1305.update(lengths, 0, 16);
        }
    }

    /**
     * The composed form for short messages, the JDK's cipher for the rest. For each message the JDK's
     * cipher derives the one-time Poly1305 key (§2.6) and builds a new Poly1305 around it, a fixed
     * cost of about 0.35 µs on top of the composed form's whole setup; this module's Poly1305 spends
     * about three times as long on each byte as the JDK's intrinsic. The two meet between 512 and
     * 1 024 bytes (x86-64 with AVX-512 IFMA, JDK 25; {@code NoiseBenchmark} prints both at 64, 512 and
     * 1 024 bytes), so below {@value #SHORT} bytes the composed form is faster: a stream's opening, a
     * ping, a window update, most of a handshake. Each form is made on its first message.
     *
     * <p>Not the default: in a fresh process the C2 compiler compiles the composed form's chain as
     * well as the JDK's (about 0.4 s more of a core while a client downloaded 1 GiB, and the download
     * was slower in each of nine pairs), while in a process that runs on, streams through two hosts
     * were faster in each of nine pairs (BENCHMARKS.md, "2026-12-01, eighth").
     */
    static final class BySize extends ChaChaPoly {
        /** Plaintext lengths below this go through the composed form. */
        static final int SHORT = 512;
        private Composed composed;
        private Jdk jdk;

        BySize() {
            super(Form.BY_SIZE);
        }

        @Override
        int seal(SecretKeySpec key, byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff)
                throws GeneralSecurityException {
            return forLength(len).seal(key, nonce, ad, in, inOff, len, out, outOff);
        }

        @Override
        int open(SecretKeySpec key, byte[] nonce, byte[] ad, byte[] buf, int off, int len) throws GeneralSecurityException {
            return forLength(len - TAG_LENGTH).open(key, nonce, ad, buf, off, len);
        }

        /** The form that seals a plaintext of this length, or opens its ciphertext. */
        ChaChaPoly forLength(int plaintext) {
            if (plaintext < SHORT) {
                Composed c = composed;
                return c != null ? c : (composed = new Composed());
            }
            Jdk j = jdk;
            return j != null ? j : (jdk = new Jdk());
        }
    }

    private static Cipher cipher(String name) {
        try {
            return Cipher.getInstance(name);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + name, e);
        }
    }

    private static Form choose() {
        String forced = System.getProperty(PROPERTY, "");
        Form form = switch (forced) {
            case "jdk" -> Form.JDK;
            case "composed" -> Form.COMPOSED;
            case "bysize" -> Form.BY_SIZE;
            default -> {
                if (!forced.isEmpty()) {
                    LOG.log(Level.WARNING, () -> PROPERTY + "=" + forced + " is none of jdk, composed and bysize; choosing by processor");
                }
                yield jdkPoly1305IsSlow() ? Form.COMPOSED : Form.JDK;
            }
        };
        LOG.log(Level.DEBUG, () -> "noise: ChaChaPoly is " + form.label);
        return form;
    }

    /** True only where it is known: Linux, x86-64, and a processor without the IFMA instructions the JDK's intrinsic needs. */
    private static boolean jdkPoly1305IsSlow() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return false;
        }
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(flags -> !flags.contains(" avx512ifma") && !flags.contains(" avx_ifma"))
                    .orElse(false);
        } catch (Exception e) {
            return false; // no /proc (not Linux) or not readable: keep the JDK's cipher
        }
    }
}
