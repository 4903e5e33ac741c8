package org.rts.demo.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The temporary folders the measuring tools work in: a benchmark's store alone can take hundreds of megabytes. */
final class WorkFolder {
    private WorkFolder() {
    }

    /** Removes {@code dir} and everything in it; a file that cannot be removed is reported, the rest still goes. */
    static void remove(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                if (!p.toFile().delete()) {
                    System.err.println("could not remove " + p);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the work folder " + dir, e);
        }
    }
}
