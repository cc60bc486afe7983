package org.jlibp2p.examples;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.StreamHandler;

/**
 * {@code /file-transfer/1.0.0}: u16 name length, the name (UTF-8, a plain file name), u64 size, the
 * bytes. The receiver answers with a status byte and the SHA-256 of what it received, which the
 * sender compares with its own. Status: 0 stored; 1 refused, the receiver takes no files; 2 refused,
 * a file of that name is already there (nothing is overwritten); 3 refused, the name is not a plain
 * file name ({@code ../x}, {@code a/b} and absolute paths could leave the receive directory).
 */
final class FileTransfer {
    static final String PROTOCOL_ID = "/file-transfer/1.0.0";
    static final int STORED = 0;
    static final int REFUSED = 1;
    static final int EXISTS = 2;
    static final int BAD_NAME = 3;
    private static final int MAX_NAME = 255;
    private static final int DIGEST_BYTES = 32;
    /** How long a sender whose upload was cut short waits for the receiver's answer. */
    private static final Duration ANSWER_AFTER_FAILURE = Duration.ofSeconds(2);

    private FileTransfer() {}

    /** {@return why the receiver refused, in words, for a status other than STORED} */
    static String reason(int status) {
        return switch (status) {
            case REFUSED -> "it accepts no files (its listen has no --receive-dir)";
            case EXISTS -> "a file of that name is already there";
            case BAD_NAME -> "the name is not a plain file name";
            default -> "status " + status;
        };
    }

    /**
     * What the receiver did with one file.
     *
     * @param from   the sender
     * @param name   the file's name as sent
     * @param bytes  its size
     * @param status STORED or why not
     * @param path   where it is, if stored
     */
    record Receipt(PeerId from, String name, long bytes, int status, Path path) {}

    /** Stores incoming files in {@code dir} (with no dir every transfer is refused), telling {@code onFile} of each. */
    static StreamHandler handler(Path dir, Consumer<Receipt> onFile) {
        return stream -> {
            stream.setReadTimeout(Main.STREAM_IDLE_TIMEOUT);
            PeerId from = stream.connection().remotePeer();
            DataInputStream in = new DataInputStream(stream.in());
            DataOutputStream out = new DataOutputStream(stream.out());
            int nameLength = in.readUnsignedShort();
            if (nameLength == 0 || nameLength > MAX_NAME) {
                throw new ProtocolException("file transfer: name of " + nameLength + " bytes");
            }
            String name = new String(in.readNBytes(nameLength), StandardCharsets.UTF_8);
            long size = in.readLong();
            if (size < 0) {
                throw new ProtocolException("file transfer: negative size " + size);
            }
            Path target = dir == null ? null : safeTarget(dir, name);
            int status = dir == null ? REFUSED : target == null ? BAD_NAME : Files.exists(target) ? EXISTS : STORED;
            byte[] digest = new byte[DIGEST_BYTES];
            if (status == STORED) {
                MessageDigest sha = sha256();
                Path partial = Files.createTempFile(dir, ".incoming-", ".part");
                try {
                    try (OutputStream file = Files.newOutputStream(partial)) {
                        long copied = copy(new DigestInputStream(in, sha), file, size, null);
                        if (copied < size) {
                            throw new java.io.EOFException("file transfer: " + copied + " of " + size + " bytes arrived");
                        }
                    }
                    Files.move(partial, target); // never over an existing file
                    digest = sha.digest();
                } catch (FileAlreadyExistsException e) {
                    status = EXISTS; // it arrived meanwhile
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            // Told before the answer goes out: a refused sender may reset the stream as soon as it
            // reads the answer, and the receipt must not depend on our last write succeeding.
            onFile.accept(new Receipt(from, name, size, status, status == STORED ? target : null));
            out.writeByte(status);
            out.write(digest);
            out.flush();
            stream.closeWrite();
        };
    }

    /** The file's place inside {@code dir}, or null if the name is not a plain file name. */
    static Path safeTarget(Path dir, String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
            return null;
        }
        Path base = dir.toAbsolutePath().normalize();
        Path target = base.resolve(name).normalize();
        return target.getParent() != null && target.getParent().equals(base) ? target : null;
    }

    /**
     * What the receiver answered.
     *
     * @param status        STORED or why it refused
     * @param digestMatches true if its SHA-256 of what arrived is ours
     */
    record Answer(int status, boolean digestMatches) {
        boolean stored() {
            return status == STORED && digestMatches;
        }
    }

    /** Sends a file and reads the receiver's answer. */
    static Answer send(ProtocolStream stream, Path file, LongConsumer progress) throws IOException {
        byte[] name = file.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        long size = Files.size(file);
        MessageDigest sha = sha256();
        try {
            DataOutputStream out = new DataOutputStream(stream.out());
            out.writeShort(name.length);
            out.write(name);
            out.writeLong(size);
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
                copy(in, out, size, progress);
            }
            out.flush();
            stream.closeWrite();
        } catch (IOException e) {
            // A receiver that refuses answers at once and stops reading: its answer may be waiting.
            stream.setReadTimeout(ANSWER_AFTER_FAILURE);
            try {
                int status = new DataInputStream(stream.in()).readUnsignedByte();
                if (status != STORED) {
                    return new Answer(status, false);
                }
            } catch (IOException none) {
                e.addSuppressed(none);
            }
            throw e;
        }
        DataInputStream in = new DataInputStream(stream.in());
        int status = in.readUnsignedByte();
        byte[] theirs = in.readNBytes(DIGEST_BYTES);
        return new Answer(status, MessageDigest.isEqual(theirs, sha.digest()));
    }

    private static long copy(InputStream in, OutputStream out, long size, LongConsumer progress) throws IOException {
        byte[] buf = new byte[128 * 1024];
        long done = 0;
        while (done < size) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, size - done));
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            done += n;
            if (progress != null) {
                progress.accept(done);
            }
        }
        return done;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
