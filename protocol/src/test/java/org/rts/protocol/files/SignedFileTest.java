package org.rts.protocol.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;

class SignedFileTest {
    private static final ECPrivateKeyParameters KEY = (ECPrivateKeyParameters) Keys.generate().getPrivate();
    private static final X509CertificateHolder CA = CertificateIssuer.selfSignedCa("el", KEY, Instant.now(),
            Duration.ofDays(1));
    private static final Es256Signer AUTHORITY = new Es256Signer(KEY, "el", Certificates.thumbprint(CA));

    @TempDir
    Path dir;

    @Test
    void a_writer_killed_between_its_two_renames_leaves_a_file_that_still_verifies_and_the_next_write_settles_it()
            throws Exception {
        Path file = dir.resolve("registry.json");
        byte[] v1 = "{\"version\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] v2 = "{\"version\":2}".getBytes(StandardCharsets.UTF_8);
        SignedFile.write(file, v1, AUTHORITY, true);
        String oldSig = Files.readString(SignedFile.signatureOf(file));
        Path other = dir.resolve("elsewhere/registry.json");
        SignedFile.write(other, v2, AUTHORITY, true);
        String newSig = Files.readString(SignedFile.signatureOf(other)).strip();
        assertFalse(Files.exists(SignedFile.pendingSignatureOf(other)), "a finished write leaves nothing pending");

        // the state a kill between the renames leaves: the new file, the old signature, the new one pending
        Files.write(file, v2);
        Files.writeString(SignedFile.pendingSignatureOf(file), hex(v2) + " " + newSig + "\n");
        assertArrayEquals(v2, SignedFile.readVerified(file, CA));
        // copied by hand from there: the copy is a pair that verifies on its own
        Path copy = dir.resolve("copy/registry.json");
        SignedFile.copyVerified(file, copy, CA);
        assertArrayEquals(v2, SignedFile.readVerified(copy, CA));
        assertFalse(Files.exists(SignedFile.pendingSignatureOf(copy)));

        // the very first write killed there: no signature yet, the pending one
        Path first = dir.resolve("first/registry.json");
        Files.createDirectories(first.getParent());
        Files.write(first, v2);
        Files.writeString(SignedFile.pendingSignatureOf(first), hex(v2) + " " + newSig + "\n");
        assertArrayEquals(v2, SignedFile.readVerified(first, CA));
        SignedFile.settle(first);
        assertFalse(Files.exists(SignedFile.pendingSignatureOf(first)), "settled: the pending signature in place");
        assertTrue(Files.readString(SignedFile.signatureOf(first)).strip().equals(newSig));

        // a kill before the file's rename: the old pair, a pending signature of other bytes, not taken for them
        Files.write(file, v1);
        Files.writeString(SignedFile.signatureOf(file), oldSig);
        Files.writeString(SignedFile.pendingSignatureOf(file), hex(v2) + " " + newSig + "\n");
        assertArrayEquals(v1, SignedFile.readVerified(file, CA));
        Files.write(file, "{\"version\":9}".getBytes(StandardCharsets.UTF_8));
        assertTrue(assertThrows(ProtocolException.class, () -> SignedFile.readVerified(file, CA)).getMessage()
                .contains("does not match its signature by the election authority"), "changed bytes are refused");

        // the next write after a kill between the renames puts the pending signature aside and writes its own pair
        Files.write(file, v2);
        Files.writeString(SignedFile.signatureOf(file), oldSig);
        Files.writeString(SignedFile.pendingSignatureOf(file), hex(v2) + " " + newSig + "\n");
        byte[] v3 = "{\"version\":3}".getBytes(StandardCharsets.UTF_8);
        SignedFile.write(file, v3, AUTHORITY, false);
        assertFalse(Files.exists(SignedFile.pendingSignatureOf(file)));
        assertArrayEquals(v3, SignedFile.readVerified(file, CA));
    }

    @Test
    void a_reader_beside_a_writer_always_reads_a_pair_that_verifies() throws Exception {
        Path file = dir.resolve("registry.json");
        SignedFile.write(file, "{\"version\":0}".getBytes(StandardCharsets.UTF_8), AUTHORITY, false);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            // a save every 2 ms: far more often than any enrolment batch saves
            try {
                for (int i = 1; i <= 300 && failed.get() == null; i++) {
                    SignedFile.write(file, ("{\"version\":" + i + "}").getBytes(StandardCharsets.UTF_8), AUTHORITY,
                            false);
                    Thread.sleep(2);
                }
            } catch (Throwable e) {
                failed.compareAndSet(null, e);
            }
        });
        int reads = 0;
        while (writer.isAlive()) {
            try {
                SignedFile.readVerified(file, CA);
                reads++;
            } catch (ProtocolException e) {
                failed.set(e);
                break;
            }
        }
        writer.join();
        assertTrue(failed.get() == null, () -> "after " + failed.get());
        assertTrue(reads > 0);
        assertArrayEquals("{\"version\":300}".getBytes(StandardCharsets.UTF_8), SignedFile.readVerified(file, CA));
        assertFalse(Files.exists(SignedFile.pendingSignatureOf(file)));
    }

    private static String hex(byte[] content) {
        return java.util.HexFormat.of().formatHex(Jws.sha256(content));
    }
}
