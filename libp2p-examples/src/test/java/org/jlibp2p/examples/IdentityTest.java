package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.examples.ToolRunner.Listener;
import org.jlibp2p.examples.ToolRunner.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --identity FILE} and {@code JLIBP2P_IDENTITY}: a node keeps its peer id across runs. */
@Timeout(120)
class IdentityTest {
    @TempDir
    Path tmp;

    private static String peerIdOf(Map<String, String> env, String... extra) throws Exception {
        try (Listener l = new Listener(env, extra)) {
            return l.peerId;
        }
    }

    @Test
    void anIdentityFileIsCreatedPrivateAndKept() throws Exception {
        Path file = tmp.resolve("keys").resolve("node.key");
        String first = peerIdOf(Map.of(), "--identity", file.toString());
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        PrivateKey key = PrivateKey.unmarshal(Files.readAllBytes(file));
        assertThat(key.type()).isEqualTo(KeyType.ED25519);
        assertThat(PeerId.fromPublicKey(key.publicKey()).toString()).isEqualTo(first);
        assertThat(peerIdOf(Map.of(), "--identity", file.toString())).as("a later run").isEqualTo(first);
        assertThat(peerIdOf(Map.of(Identity.ENV, file.toString()))).as("the environment variable").isEqualTo(first);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.toList()).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void aKeyFileFromGoOrJsIsRead() throws Exception {
        // The spec's Ed25519 vector, marshalled as go-libp2p's crypto.MarshalPrivateKey writes it.
        PrivateKey key = PrivateKey.ed25519FromSeed(Multibase.fromHex("7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"));
        Path file = Files.write(tmp.resolve("go.key"), key.marshal());
        assertThat(peerIdOf(Map.of(), "--identity", file.toString())).isEqualTo("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq");
    }

    @Test
    void theOptionWinsOverTheEnvironment() throws Exception {
        Path mine = tmp.resolve("mine.key");
        Path other = tmp.resolve("other.key");
        String fromOption = peerIdOf(Map.of(Identity.ENV, other.toString()), "--identity", mine.toString());
        assertThat(fromOption).isEqualTo(PeerId.fromPublicKey(PrivateKey.unmarshal(Files.readAllBytes(mine)).publicKey()).toString());
        assertThat(other).doesNotExist();
    }

    @Test
    void keyTypeNamesTheTypeOfANewKeyAndKeyStillWorks() throws Exception {
        Path secp = tmp.resolve("secp.key");
        peerIdOf(Map.of(), "--identity", secp.toString(), "--key-type", "secp256k1");
        assertThat(PrivateKey.unmarshal(Files.readAllBytes(secp)).type()).isEqualTo(KeyType.SECP256K1);
        Path ecdsa = tmp.resolve("ecdsa.key");
        peerIdOf(Map.of(), "--identity", ecdsa.toString(), "--key", "ecdsa");
        assertThat(PrivateKey.unmarshal(Files.readAllBytes(ecdsa)).type()).isEqualTo(KeyType.ECDSA);
        Run other = ToolRunner.run("listen", "--identity", secp.toString(), "--key-type", "rsa");
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("is a secp256k1 key, not rsa");
        Run both = ToolRunner.run("listen", "--key", "rsa", "--key-type", "rsa");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("given twice (--key is another name for it)");
    }

    @Test
    void badIdentitiesExitTwoWithAReason() throws Exception {
        Path garbage = Files.writeString(tmp.resolve("garbage.key"), "not a key");
        Run r = ToolRunner.run("listen", "--identity", garbage.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not a libp2p private key");
        Run dir = ToolRunner.run("listen", "--identity", tmp.toString());
        assertThat(dir.code()).isEqualTo(2);
        assertThat(dir.err()).contains("is a directory");
        Run seedAndFile = ToolRunner.run("listen", "--identity", tmp.resolve("x.key").toString(), "--seed",
                "7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d");
        assertThat(seedAndFile.code()).isEqualTo(2);
        assertThat(seedAndFile.err()).contains("give --seed or --identity, not both");
        Run badEnv = ToolRunner.run(Map.of(Identity.ENV, garbage.toString()), "listen");
        assertThat(badEnv.code()).isEqualTo(2);
    }
}
