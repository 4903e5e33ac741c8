package org.rts.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.workflow.TallyFileProblem;
import org.rts.agent.workflow.TallyForm;

/**
 * Tally files on a USB stick: found once, again when changed; unreadable and untagged ones reported; links, files
 * in folders reached through a link and files over the size bound refused unread.
 */
class UsbTalliesTest {
    @TempDir
    Path media;
    @TempDir
    Path elsewhere;

    static final String TALLY = String.join("\n", "election,el", "station,S-1", "race,parliament",
            "registered,500", "received,600", "unused,200", "spoiled,0", "inBox,400", "invalid,10", "a,250", "b,140");

    /** What a scan told, in order. */
    static class Recorded implements UsbTallies.Listener {
        final List<Path> reading = new ArrayList<>();
        final List<TallyForm.Tagged> found = new ArrayList<>();
        final List<TallyFileProblem> problems = new ArrayList<>();
        final List<String> why = new ArrayList<>();

        @Override
        public void reading(Path file) {
            reading.add(file);
        }

        @Override
        public void found(TallyForm.Tagged tally) {
            found.add(tally);
        }

        @Override
        public void refused(Path file, TallyFileProblem problem, String reason) {
            problems.add(problem);
            why.add(reason);
        }
    }

    @Test
    void a_tally_on_a_stick_is_offered_once_and_again_when_it_changes() throws Exception {
        Path stick = Files.createDirectories(media.resolve("officer/USB STICK"));
        Path file = stick.resolve("S-1.tally.csv");
        Files.writeString(file, TALLY);
        Files.writeString(stick.resolve("notes.csv"), "not a tally");
        UsbTallies usb = new UsbTallies(media);
        Recorded r = new Recorded();
        usb.scan(r);
        assertEquals(1, r.found.size());
        assertEquals(List.of(file), r.reading);
        assertEquals("S-1", r.found.get(0).station());
        assertEquals("el", r.found.get(0).election());
        assertEquals(400, r.found.get(0).form().inBox());
        usb.scan(r);
        assertEquals(1, r.found.size(), "offered once");
        Files.writeString(file, TALLY.replace("station,S-1", "station,S-9"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        usb.scan(r);
        assertEquals("S-9", r.found.get(1).station(), "changed: offered again (and the flow refuses another station)");
        assertTrue(r.why.isEmpty(), r.why.toString());
    }

    @Test
    void a_file_without_its_station_or_with_a_broken_line_is_reported_not_loaded() throws Exception {
        Files.writeString(media.resolve("a.tally.csv"), TALLY.replace("station,S-1\n", ""));
        Files.writeString(media.resolve("b.tally.csv"), TALLY.replace("inBox,400", "inBox;400"));
        Files.write(media.resolve("c.tally.csv"), new byte[] {'e', 'l', (byte) 0xC3, '\n'});
        Recorded r = new Recorded();
        new UsbTallies(media).scan(r);
        assertTrue(r.found.isEmpty());
        assertEquals(List.of(TallyFileProblem.UNREADABLE, TallyFileProblem.UNREADABLE, TallyFileProblem.UNREADABLE),
                r.problems, r.why.toString());
        assertTrue(r.why.stream().anyMatch(p -> p.contains("must name its election and station")), r.why.toString());
        assertTrue(r.why.stream().anyMatch(p -> p.contains("expected 'field,value'")), r.why.toString());
        assertTrue(r.why.stream().anyMatch(p -> p.contains("must be UTF-8 text")), r.why.toString());
    }

    @Test
    void a_file_over_the_bound_is_refused_as_too_large_without_being_read() throws Exception {
        // a valid tally padded with comment lines past 1 MiB: it would load if size were not checked
        StringBuilder big = new StringBuilder(TALLY).append('\n');
        String comment = "# " + "x".repeat(97) + "\n";
        while (big.length() <= TallyForm.MAX_FILE_BYTES) {
            big.append(comment);
        }
        Files.writeString(media.resolve("S-1.tally.csv"), big);
        Recorded r = new Recorded();
        new UsbTallies(media, file -> {
            throw new AssertionError("a file over the bound was opened: " + file);
        }).scan(r);
        assertTrue(r.found.isEmpty());
        assertEquals(List.of(TallyFileProblem.TOO_LARGE), r.problems);
        assertTrue(r.why.get(0).contains("over the 1048576 bytes"), r.why.toString());
    }

    @Test
    void a_file_that_grows_past_the_bound_while_read_is_refused() {
        Recorded r = new Recorded();
        UsbTallies usb = new UsbTallies(media, file -> new InputStream() { // endless, as a device file would be
            @Override
            public int read() {
                return '#';
            }
        });
        write(media.resolve("S-1.tally.csv"), TALLY);
        usb.scan(r);
        assertTrue(r.found.isEmpty());
        assertEquals(List.of(TallyFileProblem.TOO_LARGE), r.problems, r.why.toString());
    }

    @Test
    void a_symbolic_link_to_a_file_elsewhere_on_the_unit_is_refused() throws Exception {
        Path target = elsewhere.resolve("secret.tally.csv");
        Files.writeString(target, TALLY);
        Files.createSymbolicLink(media.resolve("S-1.tally.csv"), target);
        Recorded r = new Recorded();
        new UsbTallies(media).scan(r);
        assertTrue(r.found.isEmpty(), "the link's target was loaded");
        assertEquals(List.of(TallyFileProblem.LINK), r.problems);
        assertTrue(r.why.get(0).contains("symbolic link"), r.why.toString());
    }

    @Test
    void a_folder_swapped_for_a_link_out_of_the_mount_after_the_look_is_refused() throws Exception {
        Path stick = Files.createDirectories(media.resolve("stick"));
        Files.writeString(stick.resolve("S-1.tally.csv"), TALLY);
        Files.writeString(elsewhere.resolve("S-1.tally.csv"), TALLY.replace("a,250", "a,251"));
        Recorded r = new Recorded() {
            @Override
            public void reading(Path file) {
                super.reading(file);
                try { // the stick changes between the look and the read
                    Files.delete(stick.resolve("S-1.tally.csv"));
                    Files.delete(stick);
                    Files.createSymbolicLink(stick, elsewhere);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        new UsbTallies(media).scan(r);
        assertTrue(r.found.isEmpty(), "a file outside the mount was loaded: " + r.found);
        assertEquals(List.of(TallyFileProblem.LINK), r.problems);
        assertTrue(r.why.get(0).contains("leads out of"), r.why.toString());
    }

    @Test
    void a_folder_link_on_the_stick_is_not_followed() throws Exception {
        Files.writeString(elsewhere.resolve("S-1.tally.csv"), TALLY);
        Files.createSymbolicLink(media.resolve("stick"), elsewhere);
        Recorded r = new Recorded();
        new UsbTallies(media).scan(r);
        assertTrue(r.found.isEmpty() && r.reading.isEmpty(), r.found.toString());
    }

    @Test
    void no_media_folder_is_no_stick() {
        Recorded r = new Recorded();
        new UsbTallies(media.resolve("absent")).scan(r);
        assertTrue(r.why.isEmpty() && r.found.isEmpty());
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
