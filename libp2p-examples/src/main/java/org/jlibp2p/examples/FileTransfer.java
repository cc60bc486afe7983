package org.jlibp2p.examples;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.LongConsumer;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.StreamHandler;

/**
 * {@code /file-transfer/1.0.0}: u16 name length, the name (UTF-8, a plain file name), u64 size, the
 * bytes. The receiver answers with a status byte (0 stored, 1 refused) and the SHA-256 of what it
 * received, which the sender compares with its own. Names that could leave the receive directory
 * ({@code ../x}, {@code a/b}, absolute paths) are refused.
 */
final class FileTransfer {
    static final String PROTOCOL_ID = "/file-transfer/1.0.0";
    static final int STORED = 0;
    static final int REFUSED = 1;
    private static final int MAX_NAME = 255;

    private FileTransfer() {}

    /** Stores incoming files in {@code dir}; with no dir every transfer is refused. */
    static StreamHandler handler(Path dir, LongConsumer onReceived) {
        return stream -> {
            stream.setReadTimeout(Main.STREAM_IDLE_TIMEOUT);
            DataInputStream in = new DataInputStream(stream.in());
            DataOutputStream out = new DataOutputStream(stream.out());
            int nameLength = in.readUnsignedShort();
            if (nameLength == 0 || nameLength > MAX_NAME) {
                throw new ProtocolException("file transfer: name of " + nameLength + " bytes");
            }
            String name = new String(in.readNBytes(nameLength), StandardCharsets.UTF_8);
            long size = in.readLong();
            Path target = dir == null ? null : safeTarget(dir, name);
            if (target == null || size < 0) {
                out.writeByte(REFUSED);
                out.write(new byte[32]);
                out.flush();
                stream.closeWrite();
                return;
            }
            MessageDigest sha = sha256();
            Path partial = Files.createTempFile(dir, ".incoming-", ".part");
            try {
                try (OutputStream file = Files.newOutputStream(partial)) {
                    long copied = copy(new DigestInputStream(in, sha), file, size, null);
                    if (copied < size) {
                        throw new java.io.EOFException("file transfer: " + copied + " of " + size + " bytes arrived");
                    }
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            out.writeByte(STORED);
            out.write(sha.digest());
            out.flush();
            stream.closeWrite();
            onReceived.accept(size);
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

    /** Sends a file; returns true if the receiver stored it and its SHA-256 matches ours. */
    static boolean send(ProtocolStream stream, Path file, LongConsumer progress) throws IOException {
        byte[] name = file.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        long size = Files.size(file);
        DataOutputStream out = new DataOutputStream(stream.out());
        out.writeShort(name.length);
        out.write(name);
        out.writeLong(size);
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            copy(in, out, size, progress);
        }
        out.flush();
        stream.closeWrite();
        DataInputStream in = new DataInputStream(stream.in());
        int status = in.readUnsignedByte();
        byte[] theirs = in.readNBytes(32);
        return status == STORED && MessageDigest.isEqual(theirs, sha.digest());
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
