package org.rts.agent.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.rts.agent.AgentException;
import org.rts.agent.workflow.TallyFileProblem;
import org.rts.agent.workflow.TallyForm;

/**
 * Finds tally files on USB sticks: {@code *.tally.csv} up to three folders below {@code root} (where the system
 * mounts sticks, {@code /media}). Each file is offered once (again if it changes); one that is not taken is
 * reported with why. Symbolic links are never followed: a link, or a file whose folders lead out of {@code root},
 * is refused; a file over {@link TallyForm#MAX_FILE_BYTES} is refused without being read past that bound. A scan
 * blocks while a slow stick is read, so it runs on a thread of its own ({@link UsbImport}).
 */
final class UsbTallies {
    static final String SUFFIX = ".tally.csv";

    /** Opens a file for reading; the unit's opener refuses a link ({@code O_NOFOLLOW}). */
    interface Opener {
        InputStream open(Path file) throws IOException;
    }

    /** What a scan tells, in order: {@code reading} before each file is read, then its outcome. */
    interface Listener {
        void reading(Path file);

        void found(TallyForm.Tagged tally);

        void refused(Path file, TallyFileProblem problem, String why);
    }

    private final Path root;
    private final Opener opener;
    private final Map<Path, FileTime> seen = new HashMap<>();

    UsbTallies(Path root) {
        this(root, file -> Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS));
    }

    UsbTallies(Path root, Opener opener) {
        this.root = root;
        this.opener = opener;
    }

    /** One look: each new or changed file is read and goes to {@code listener}. */
    void scan(Listener listener) {
        if (!Files.isDirectory(root)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root, 4)) { // does not follow links
            walk.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(SUFFIX))
                    .filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            return; // a stick pulled out while it was read: the next look sees what is there
        }
        for (Path file : files) {
            try {
                BasicFileAttributes seenAs = Files.readAttributes(file, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (seenAs.lastModifiedTime().equals(seen.put(file, seenAs.lastModifiedTime()))) {
                    continue;
                }
                listener.reading(file);
                listener.found(read(file));
            } catch (Refused r) {
                listener.refused(file, r.problem, file + ": " + r.getMessage());
            } catch (IOException | AgentException e) {
                listener.refused(file, TallyFileProblem.UNREADABLE, file + ": " + e.getMessage());
            }
        }
    }

    private TallyForm.Tagged read(Path file) throws IOException {
        // looked at again just before it is opened: the stick may have changed since the walk
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new Refused(TallyFileProblem.LINK, "a symbolic link is not read: copy the file itself");
        }
        Path folder = file.toAbsolutePath().getParent().toRealPath();
        if (!folder.startsWith(root.toRealPath())) {
            throw new Refused(TallyFileProblem.LINK, "its folder leads out of " + root + " (to " + folder
                    + ") through a symbolic link");
        }
        if (!attributes.isRegularFile()) {
            throw new Refused(TallyFileProblem.UNREADABLE, "not a regular file");
        }
        if (attributes.size() > TallyForm.MAX_FILE_BYTES) {
            throw tooLarge(attributes.size() + " bytes");
        }
        byte[] content;
        try (InputStream in = opener.open(file)) {
            content = in.readNBytes(TallyForm.MAX_FILE_BYTES + 1);
        }
        if (content.length > TallyForm.MAX_FILE_BYTES) {
            throw tooLarge("more than " + TallyForm.MAX_FILE_BYTES + " bytes");
        }
        return TallyForm.readTagged(file.toString(), content);
    }

    private static Refused tooLarge(String size) {
        return new Refused(TallyFileProblem.TOO_LARGE, size + ", over the " + TallyForm.MAX_FILE_BYTES
                + " bytes a tally file may have (a tally of 150 candidates is under 4 KB)");
    }

    private static final class Refused extends IOException {
        private final transient TallyFileProblem problem;

        Refused(TallyFileProblem problem, String why) {
            super(why);
            this.problem = problem;
        }
    }
}
