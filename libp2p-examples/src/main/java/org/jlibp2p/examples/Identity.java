package org.jlibp2p.examples;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;

/**
 * The node's private key, from the command line: {@code --seed HEX}, else {@code --identity FILE},
 * else the {@value #ENV} environment variable (a file name too), else a fresh key of
 * {@code --key-type}. An identity file holds the key in the protobuf form go-libp2p and js-libp2p
 * keep on disk ({@link PrivateKey#marshal()}); a missing one is created, readable by its owner only
 * (mode 0600), so that a node keeps its peer id across runs.
 */
final class Identity {
    /** The environment variable naming an identity file, for every command. */
    static final String ENV = "JLIBP2P_IDENTITY";

    private Identity() {}

    /** {@return the key the command line and environment ask for; fresh when they name none} */
    static PrivateKey of(Cli cli, Map<String, String> env) {
        return configured(cli, env).orElseGet(() -> PrivateKey.generate(keyType(cli)));
    }

    /** {@return the key named by --seed, --identity or the environment, if any} */
    static Optional<PrivateKey> configured(Cli cli, Map<String, String> env) {
        String seed = cli.option("--seed", null);
        String file = cli.option("--identity", null);
        if (seed != null && file != null) {
            throw new Cli.UsageException("give --seed or --identity, not both");
        }
        if (seed != null) {
            if (cli.has("--key-type") && keyType(cli) != KeyType.ED25519) {
                throw new Cli.UsageException("--seed makes an Ed25519 key; it does not combine with --key-type " + cli.option("--key-type", ""));
            }
            return Optional.of(fromSeed(seed));
        }
        if (file == null) {
            file = env.get(ENV);
            if (file == null || file.isBlank()) {
                return Optional.empty();
            }
        }
        return Optional.of(loadOrCreate(Path.of(file), keyType(cli), cli.has("--key-type")));
    }

    static KeyType keyType(Cli cli) {
        String type = cli.option("--key-type", "ed25519");
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "ed25519" -> KeyType.ED25519;
            case "secp256k1" -> KeyType.SECP256K1;
            case "ecdsa" -> KeyType.ECDSA;
            case "rsa" -> KeyType.RSA;
            default -> throw new Cli.UsageException("--key-type must be ed25519, secp256k1, ecdsa or rsa, not '" + type + "'");
        };
    }

    private static PrivateKey fromSeed(String hex) {
        byte[] bytes;
        try {
            bytes = Multibase.fromHex(hex);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException("--seed must be 64 hex digits");
        }
        if (bytes.length != 32) {
            throw new Cli.UsageException("--seed must be 32 bytes (64 hex digits), not " + bytes.length);
        }
        return PrivateKey.ed25519FromSeed(bytes);
    }

    /**
     * Reads the key in {@code file}, or creates the file with a fresh key of {@code type}.
     *
     * @param file      the identity file
     * @param type      the type of a new key
     * @param typeGiven true if the type was asked for: an existing key of another type is then refused
     * @return the key
     */
    static PrivateKey loadOrCreate(Path file, KeyType type, boolean typeGiven) {
        try {
            PrivateKey key = read(file);
            if (key == null) {
                key = create(file, type);
            }
            if (typeGiven && key.type() != type) {
                throw new Cli.UsageException("the identity in " + file + " is a " + name(key.type()) + " key, not " + name(type));
            }
            return key;
        } catch (IOException e) {
            throw new Cli.UsageException("identity file " + file + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    /** {@return the key in the file, or null if there is no such file} */
    private static PrivateKey read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("is a directory");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (size > PrivateKey.MAX_MARSHALLED_BYTES) {
            throw new IOException("not a libp2p private key (" + size + " bytes; the largest key is " + PrivateKey.MAX_MARSHALLED_BYTES + ")");
        }
        try {
            return PrivateKey.unmarshal(Files.readAllBytes(file));
        } catch (MalformedMessageException e) {
            throw new IOException("not a libp2p private key in protobuf form: " + e.getMessage(), e);
        }
    }

    /** Writes a fresh key to a temporary file of mode 0600 beside {@code file}, then moves it into place. */
    private static PrivateKey create(Path file, KeyType type) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        PrivateKey key = PrivateKey.generate(type);
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, ".identity-", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            tmp = Files.createTempFile(dir, ".identity-", ".tmp");
        }
        try {
            Files.write(tmp, key.marshal());
            Files.move(tmp, file);
            return key;
        } catch (FileAlreadyExistsException e) {
            return read(file); // another run created it first: use theirs
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String name(KeyType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
