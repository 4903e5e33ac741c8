package org.rts.provisioning.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.rts.protocol.export.ExportFiles;
import org.rts.protocol.message.Photo;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.ResultReport;

/**
 * The photos of the signed forms in an export: each file in {@code photos/} must be the exact bytes (SHA-256 and
 * length) a chained result signed, and each result that signed a photo is listed when its photo has not arrived.
 */
final class PhotoCheck {
    /** The photos the chained results signed, by SHA-256, with the result that names each. */
    private final Map<String, ResultReport> signed = new TreeMap<>();
    private int skipped;

    /** Takes note of a chained report's photo, if it is a result bound to one. */
    void add(Report report) {
        if (report instanceof ResultReport r && r.photo() != null) {
            if (r.photo().taken()) {
                signed.put(r.photo().sha256(), r);
            } else {
                skipped++;
            }
        }
    }

    /** Checks the photos against the hashes signed: what holds goes to {@code checked}, the rest to {@code problem}. */
    void check(ExportFiles f, Consumer<String> checked, Consumer<String> problem) throws IOException {
        Map<String, ResultReport> awaited = new TreeMap<>(signed);
        int matched = 0;
        if (Files.isDirectory(f.photos(), LinkOption.NOFOLLOW_LINKS)) {
            List<Path> files;
            try (Stream<Path> list = Files.list(f.photos())) {
                files = list.sorted().toList();
            }
            for (Path p : files) {
                String name = p.getFileName().toString();
                String sha = name.endsWith(".jpg") ? name.substring(0, name.length() - 4) : name;
                ResultReport r = signed.get(sha);
                if (r == null || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    problem.accept("photos/" + name + ": no chained result of the export signed a photo of this name");
                    continue;
                }
                Photo actual = Photo.of(Files.readAllBytes(p));
                if (!actual.equals(r.photo())) {
                    problem.accept("photos/" + name + ": " + actual.bytes() + " bytes of SHA-256 " + actual.sha256()
                            + ", not the photo the result of station " + r.station() + " race " + r.race()
                            + " signed (" + r.photo().bytes() + " bytes)");
                    continue;
                }
                awaited.remove(sha);
                matched++;
            }
        }
        checked.accept(signed.size() + " chained results signed a photo of their form, " + matched + " of the photos"
                + " are in the export with the bytes signed, " + awaited.size() + " have not arrived; " + skipped
                + " results were sent without a photo as their ballot allowed");
        awaited.forEach((sha, r) -> checked.accept("photo not arrived: station " + r.station() + " race " + r.race()
                + " (unit " + r.device() + ", photo " + sha + ")"));
    }
}
