package org.rts.provisioning.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.rts.protocol.export.ExportFiles;
import org.rts.protocol.export.ExportManifest;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.jws.Jws;

/** An export's files against its manifest: each listed file present with its size and SHA-256, nothing else. */
final class ExportFileCheck {
    private ExportFileCheck() {
    }

    static void check(ExportFiles f, ExportManifest manifest, Consumer<String> checked, Consumer<String> problem)
            throws IOException {
        Set<String> present = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(f.dir())) {
            walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).forEach(p -> present.add(
                    f.dir().relativize(p).toString().replace('\\', '/')));
        }
        present.remove(f.dir().relativize(f.manifest()).toString());
        present.remove(f.dir().relativize(SignedFile.signatureOf(f.manifest())).toString());
        int matched = 0;
        for (ExportManifest.FileEntry e : manifest.files()) {
            Path p = f.dir().resolve(e.path()).normalize();
            if (!p.startsWith(f.dir().normalize()) || !present.remove(e.path())) {
                problem.accept(e.path() + ": listed in the manifest, missing from the export");
                continue;
            }
            String sha = sha256(p); // streamed: a national export's messages run to gigabytes
            if (Files.size(p) != e.bytes() || !sha.equals(e.sha256())) {
                problem.accept(e.path() + ": altered (" + Files.size(p) + " bytes, SHA-256 " + sha + "; the manifest says "
                        + e.bytes() + " bytes, " + e.sha256() + ")");
            } else {
                matched++;
            }
        }
        present.forEach(p -> problem.accept(p + ": in the export but not in the manifest"));
        checked.accept(matched + " of " + manifest.files().size() + " files match the SHA-256 the manifest gives");
    }

    private static String sha256(Path file) throws IOException {
        try (var in = new java.security.DigestInputStream(Files.newInputStream(file),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return Jws.encode(in.getMessageDigest().digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
