package org.rts.agent.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.rts.agent.AgentException;
import org.rts.agent.workflow.TallyForm;

/**
 * Finds tally files on USB sticks: {@code *.tally.csv} up to three folders below {@code root} (where the system
 * mounts sticks, {@code /media}). Each file is offered once (again if it changes); one that cannot be read is
 * reported as such.
 */
final class UsbTallies {
    static final String SUFFIX = ".tally.csv";

    private final Path root;
    private final Map<Path, FileTime> seen = new HashMap<>();

    UsbTallies(Path root) {
        this.root = root;
    }

    /** One look: each new or changed file goes to {@code found}, or to {@code unreadable} with why. */
    void scan(Consumer<TallyForm.Tagged> found, Consumer<String> unreadable) {
        if (!Files.isDirectory(root)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root, 4)) {
            walk.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(SUFFIX))
                    .filter(Files::isRegularFile).forEach(files::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            return; // a stick pulled out while it was read: the next look sees what is there
        }
        for (Path file : files) {
            try {
                FileTime modified = Files.getLastModifiedTime(file);
                if (modified.equals(seen.put(file, modified))) {
                    continue;
                }
                found.accept(TallyForm.readTagged(file));
            } catch (IOException | AgentException e) {
                unreadable.accept(file + ": " + e.getMessage());
            }
        }
    }
}
