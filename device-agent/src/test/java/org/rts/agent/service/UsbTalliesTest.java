package org.rts.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.workflow.TallyForm;

/** Tally files on a USB stick: found once, again when changed; unreadable and untagged ones reported. */
class UsbTalliesTest {
    @TempDir
    Path media;

    private static final String TALLY = String.join("\n", "election,el", "station,S-1", "race,parliament",
            "registered,500", "received,600", "unused,200", "spoiled,0", "inBox,400", "invalid,10", "a,250", "b,140");

    @Test
    void a_tally_on_a_stick_is_offered_once_and_again_when_it_changes() throws Exception {
        Path stick = Files.createDirectories(media.resolve("officer/USB STICK"));
        Path file = stick.resolve("S-1.tally.csv");
        Files.writeString(file, TALLY);
        Files.writeString(stick.resolve("notes.csv"), "not a tally");
        UsbTallies usb = new UsbTallies(media);
        List<TallyForm.Tagged> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        usb.scan(found::add, problems::add);
        assertEquals(1, found.size());
        assertEquals("S-1", found.get(0).station());
        assertEquals("el", found.get(0).election());
        assertEquals(400, found.get(0).form().inBox());
        usb.scan(found::add, problems::add);
        assertEquals(1, found.size(), "offered once");
        Files.writeString(file, TALLY.replace("station,S-1", "station,S-9"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        usb.scan(found::add, problems::add);
        assertEquals("S-9", found.get(1).station(), "changed: offered again (and the flow refuses another station)");
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void a_file_without_its_station_or_with_a_broken_line_is_reported_not_loaded() throws Exception {
        Files.writeString(media.resolve("a.tally.csv"), TALLY.replace("station,S-1\n", ""));
        Files.writeString(media.resolve("b.tally.csv"), TALLY.replace("inBox,400", "inBox;400"));
        List<TallyForm.Tagged> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        new UsbTallies(media).scan(found::add, problems::add);
        assertTrue(found.isEmpty());
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("must name its election and station")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("expected 'field,value'")), problems.toString());
    }

    @Test
    void no_media_folder_is_no_stick() {
        List<String> problems = new ArrayList<>();
        new UsbTallies(media.resolve("absent")).scan(t -> { }, problems::add);
        assertTrue(problems.isEmpty());
    }
}
