package org.rts.protocol.stick;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A USB stick carried from a unit out of coverage to a district centre: the unit's signed messages that wait for
 * the hub, and the hub's receipts for them, in one folder per election and unit. Nothing secret travels: a message
 * is what the unit would publish, a receipt what the hub would answer, each checked by its signature.
 *
 * <pre>
 * rts-stick/&lt;election&gt;/&lt;device&gt;/000007-result.jws       the unit's signed message (seq, kind)
 * rts-stick/&lt;election&gt;/&lt;device&gt;/000007-result.receipt   the hub's receipt for it
 * </pre>
 */
public final class Stick {
    public static final String ROOT = "rts-stick";
    private static final Pattern MESSAGE = Pattern.compile("([0-9]{6})-([a-z]{1,16})\\.jws");

    private Stick() {
    }

    /** One unit's folder on the stick. */
    public static Path unitDir(Path stick, String election, String device) {
        return stick.resolve(ROOT).resolve(election).resolve(device);
    }

    public static Path messageFile(Path unitDir, long seq, String kind) {
        return unitDir.resolve(String.format("%06d-%s.jws", seq, kind));
    }

    /** The receipt beside a message file. */
    public static Path receiptFile(Path messageFile) {
        String name = messageFile.getFileName().toString();
        return messageFile.resolveSibling(name.substring(0, name.length() - ".jws".length()) + ".receipt");
    }

    /** The kind a message file's name gives, or null when the name is not a message's. */
    public static String kind(Path file) {
        Matcher m = MESSAGE.matcher(file.getFileName().toString());
        return m.matches() ? m.group(2) : null;
    }

    /** Writes {@code bytes} whole or not at all (a stick pulled out midway leaves no half file), and syncs it. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Files.write(part, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
