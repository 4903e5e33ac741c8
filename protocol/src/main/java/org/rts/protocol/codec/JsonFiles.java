package org.rts.protocol.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.rts.protocol.ProtocolException;

/** Reads and atomically writes the JSON files people and tools exchange, with errors that name the file. */
public final class JsonFiles {
    private JsonFiles() {
    }

    public static <T> T read(Path file, Class<T> type, String what) {
        try {
            return parse(file, Files.readAllBytes(file), type, what);
        } catch (NoSuchFileException e) {
            throw new ProtocolException(what + " not found: " + file);
        } catch (IOException e) {
            throw new ProtocolException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses bytes already read (and, for signed files, verified) from {@code file}. */
    public static <T> T parse(Path file, byte[] bytes, Class<T> type, String what) {
        try {
            return Json.mapper().readValue(bytes, type);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : null;
            throw new ProtocolException(what + " " + file + " is invalid: "
                    + (cause != null ? cause.getMessage() : e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new ProtocolException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes via a temporary file and an atomic rename: readers see the old or the new file, never half of one. */
    public static void write(Path file, Object value) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.write(tmp, Json.pretty().writeValueAsBytes(value));
                try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ProtocolException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
