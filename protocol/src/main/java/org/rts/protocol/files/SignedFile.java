package org.rts.protocol.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.pki.Certificates;

/**
 * A configuration file signed by the election authority: {@code <file>.sig} holds a JWS with detached payload
 * (RFC 7515 appendix F, {@code header..signature}) over the file's exact bytes, signed with the election CA key.
 * Readers verify before they parse, so a ballot definition edited on a USB stick is refused.
 */
public final class SignedFile {
    private SignedFile() {
    }

    public static Path signatureOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".sig");
    }

    /**
     * Where the signature of a file being replaced waits, with the SHA-256 of the bytes it signs, until the file
     * and its signature are both renamed into place: a reader that finds the new file beside the old signature
     * (a concurrent read, or a writer killed between the two renames) checks the file against it.
     */
    static Path pendingSignatureOf(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".sig.pending");
    }

    /**
     * Writes {@code content} to {@code file} and its signature to {@code <file>.sig}: both are staged in temporary
     * files (forced to disk when {@code force}), the signature also noted as pending, then renamed, the file first.
     * A crash at any point leaves the old pair, or the new one, or the new file with its pending signature, which
     * readers accept and the next write puts in place.
     */
    public static void write(Path file, byte[] content, Es256Signer authority, boolean force) {
        String compact = authority.sign(content);
        String detached = compact.substring(0, compact.indexOf('.') + 1) + compact.substring(compact.lastIndexOf('.'));
        Path sig = signatureOf(file);
        Path pending = pendingSignatureOf(file);
        Path stagedFile = null;
        Path stagedSig = null;
        Path stagedPending = null;
        try {
            settle(file, force);
            stagedFile = stage(file, content, force);
            stagedSig = stage(sig, (detached + "\n").getBytes(StandardCharsets.US_ASCII), force);
            stagedPending = stage(pending, (hex(content) + " " + detached + "\n").getBytes(StandardCharsets.US_ASCII),
                    force);
            Files.move(stagedPending, pending, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(stagedFile, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(stagedSig, sig, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(pending);
        } catch (IOException e) {
            throw new ProtocolException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            for (Path staged : new Path[] {stagedFile, stagedSig, stagedPending}) {
                try {
                    if (staged != null) {
                        Files.deleteIfExists(staged);
                    }
                } catch (IOException ignored) {
                    // a leftover temporary file, hidden and harmless
                }
            }
        }
    }

    /**
     * Finishes a write killed between its renames, so that the file and {@code <file>.sig} verify as a pair again
     * (to be copied by hand): the pending signature of the file as it is goes in place. The election authority's
     * tools call it when they load the election.
     */
    public static void settle(Path file) {
        try {
            settle(file, true);
        } catch (IOException e) {
            throw new ProtocolException("cannot finish the write of " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@link #settle(Path)}, the signature forced to disk when {@code force}. */
    private static void settle(Path file, boolean force) throws IOException {
        Path pending = pendingSignatureOf(file);
        String detached = pending(file, Files.exists(file) ? Files.readAllBytes(file) : null);
        if (detached != null) {
            Path staged = stage(signatureOf(file), (detached + "\n").getBytes(StandardCharsets.US_ASCII), force);
            try {
                Files.move(staged, signatureOf(file), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(staged);
            }
        }
        Files.deleteIfExists(pending);
    }

    /** The pending signature noted for exactly {@code content}, or null. */
    private static String pending(Path file, byte[] content) throws IOException {
        if (content == null) {
            return null;
        }
        String[] line;
        try {
            line = Files.readString(pendingSignatureOf(file), StandardCharsets.US_ASCII).strip().split(" ", 2);
        } catch (NoSuchFileException none) {
            return null; // no write under way, or it has just finished
        }
        return line.length == 2 && line[0].equals(hex(content)) ? line[1] : null;
    }

    private static String hex(byte[] content) {
        return java.util.HexFormat.of().formatHex(org.rts.protocol.jws.Jws.sha256(content));
    }

    private static Path stage(Path target, byte[] content, boolean force) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (force) {
                channel.force(true);
            }
        }
        return tmp;
    }

    /** Writes {@code <file>.sig} for the file as it is now on disk. */
    public static void sign(Path file, Es256Signer authority) {
        try {
            String compact = authority.sign(Files.readAllBytes(file));
            String detached = compact.substring(0, compact.indexOf('.') + 1)
                    + compact.substring(compact.lastIndexOf('.'));
            org.rts.protocol.pki.Pem.write(signatureOf(file), detached + "\n", false);
        } catch (IOException e) {
            throw new ProtocolException("cannot sign " + file + ": " + e.getMessage(), e);
        }
    }

    /** Returns the file's bytes once its signature verifies with the election CA certificate. */
    public static byte[] readVerified(Path file, X509CertificateHolder ca) {
        return read(file, ca).content();
    }

    /**
     * Copies {@code from} and the signature that verifies it with {@code ca} to {@code to} and {@code <to>.sig}: a
     * pair that verifies even when {@code from} was read beside a pending signature.
     */
    public static void copyVerified(Path from, Path to, X509CertificateHolder ca) {
        Verified verified = read(from, ca);
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            Files.write(to, verified.content());
            Files.writeString(signatureOf(to), verified.detached() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ProtocolException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    private record Verified(byte[] content, String detached) {
    }

    private static Verified read(Path file, X509CertificateHolder ca) {
        Path sig = signatureOf(file);
        try {
            for (int attempt = 1; ; attempt++) {
                // the signature first: a write renames the file before its signature
                String detached = readIfPresent(sig);
                byte[] content = Files.readAllBytes(file);
                if (detached != null && verifies(content, detached, sig, ca)) {
                    return new Verified(content, detached);
                }
                String pending = pending(file, content);
                if (pending != null && verifies(content, pending, sig, ca)) {
                    return new Verified(content, pending); // a write between its two renames, or killed there
                }
                String now = readIfPresent(sig);
                if (now != null && !now.equals(detached) && verifies(content, now, sig, ca)) {
                    return new Verified(content, now); // a write finished while the file was read
                }
                if (attempt == 3) {
                    if (now == null) {
                        throw new NoSuchFileException(sig.toString());
                    }
                    throw new ProtocolException(file + " does not match its signature by the election authority: it"
                            + " was changed after provisioning, or belongs to another election; copy it again from"
                            + " the election directory");
                }
                Thread.sleep(20); // read while the pair was being replaced: read it again
            }
        } catch (NoSuchFileException e) {
            throw new ProtocolException("missing " + e.getFile() + ": configuration must come with the election"
                    + " authority's signature (" + sig.getFileName() + ")");
        } catch (IOException e) {
            throw new ProtocolException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException("interrupted while reading " + file, e);
        }
    }

    private static String readIfPresent(Path sig) throws IOException {
        try {
            return Files.readString(sig, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static boolean verifies(byte[] content, String detached, Path sig, X509CertificateHolder ca) {
        int first = detached.indexOf('.');
        if (first < 0 || !detached.startsWith(".", first + 1)) {
            throw new ProtocolException("signature " + sig + " is not a detached JWS");
        }
        String compact = detached.substring(0, first + 1)
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(content)
                + detached.substring(first + 1);
        try {
            Jws jws = Jws.parse(compact.getBytes(StandardCharsets.US_ASCII));
            return jws.header().x5tS256().equals(Certificates.thumbprint(ca))
                    && Es256Verifier.verify(jws, Certificates.publicKey(ca));
        } catch (MalformedMessageException e) {
            throw new ProtocolException("signature " + sig + " is unreadable: " + e.getMessage());
        }
    }
}
