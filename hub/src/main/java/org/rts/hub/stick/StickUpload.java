package org.rts.hub.stick;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.rts.hub.relay.Relay;
import org.rts.hub.validation.Authenticator;
import org.rts.protocol.stick.Stick;

/**
 * A stick's messages uploaded in the operations room by an administrator (the browser reads the stick's folder):
 * each goes through the same admission and intake as the broker's, recorded as come by {@code usb}; the answer is
 * a zip of the receipts at their places on the stick, with a report of each file, for the administrator to unpack
 * onto the stick before {@code device-agent import-receipts}.
 */
public final class StickUpload {
    /** At most this many files at once (a district's sticks are uploaded one at a time). */
    public static final int MAX_FILES = 2_000;

    private StickUpload() {
    }

    /** One file of the stick: its path below the folder chosen, and its text. */
    public record File(String path, String text) {
    }

    /** Decides each file ({@code decide}: a message and its path to the hub's answer); the zip of the receipts. */
    public static byte[] receipts(String election, List<File> files, BiFunction<String, String, Relay.Answer> decide)
            throws IOException {
        StringBuilder report = new StringBuilder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (File f : files.subList(0, Math.min(files.size(), MAX_FILES))) {
                String path = f.path() == null ? "" : f.path().replace('\\', '/');
                String problem = problem(election, path, f.text());
                if (problem != null) {
                    report.append(path).append(": ").append(problem).append('\n');
                    continue;
                }
                Relay.Answer a = decide.apply(f.text().strip(), "usb");
                if (a.receipt() == null) {
                    report.append(path).append(": not taken: ").append(a.reason()).append('\n');
                    continue;
                }
                String at = path.substring(path.indexOf(Stick.ROOT + "/"));
                zip.putNextEntry(new ZipEntry(Stick.receiptFile(Path.of(at)).toString().replace('\\', '/')));
                zip.write(a.receipt().getBytes(StandardCharsets.US_ASCII));
                zip.closeEntry();
                report.append(path).append(": ").append(a.status()).append(' ').append(a.code())
                        .append(a.reasons().isEmpty() ? "" : " " + a.reasons()).append('\n');
            }
            if (files.size() > MAX_FILES) {
                report.append(files.size() - MAX_FILES).append(" more files not read: upload at most ").append(MAX_FILES)
                        .append(" at once\n");
            }
            zip.putNextEntry(new ZipEntry(Stick.ROOT + "/import-report.txt"));
            zip.write(report.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    /** What is wrong with a file of the upload, or null: a message of this election's folder on a stick. */
    static String problem(String election, String path, String text) {
        int root = path.indexOf(Stick.ROOT + "/");
        String[] parts = root < 0 ? new String[0] : path.substring(root).split("/");
        if (parts.length != 4 || Stick.kind(Path.of(parts[3])) == null
                || !parts[2].matches("[A-Za-z0-9._-]{1,64}")) {
            return "not a message of a stick (" + Stick.ROOT + "/<election>/<unit>/NNNNNN-kind.jws): not read";
        }
        if (!parts[1].equals(election)) {
            return "a message of another election (" + parts[1] + "): not imported here";
        }
        if (text == null || text.length() > Authenticator.MAX_BYTES) {
            return "larger than any message (" + Authenticator.MAX_BYTES + "): not read";
        }
        return null;
    }
}
