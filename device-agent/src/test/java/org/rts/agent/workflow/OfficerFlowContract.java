package org.rts.agent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.TestClock;
import org.rts.agent.TestUnit;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.i18n.Messages;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.slip.ResultSlips;
import org.rts.agent.workflow.OfficerFlow.State;
import org.rts.hardware.BatteryReading;
import org.rts.hardware.Button;
import org.rts.hardware.Hardware;
import org.rts.hardware.Indicator;
import org.rts.hardware.Slip;
import org.rts.hardware.print.PngPrinter;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Polling;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Receipt;

/**
 * Every transition of the officer's workflow, with a real outbox and the real checks, driving real hardware: the
 * simulated profile ({@link OfficerFlowSimulatedTest}) and a Pi profile built from Pi4J's mocks
 * ({@link OfficerFlowPiTest}).
 */
abstract class OfficerFlowContract {
    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(Instant.parse("2026-11-26T06:55:00Z")); // 09:55 in Baghdad
    private Outbox outbox;
    OfficerFlow flow;
    private Workflow workflow;
    private Election election;
    final Recorder out = new Recorder();
    Hardware hardware;

    /** The board the flow drives. */
    abstract Hardware openHardware();

    /** What the flow drove, passed on to the board. */
    final class Recorder implements FlowOutputs {
        List<String> screen = List.of();
        final Map<Indicator, Boolean> lights = new EnumMap<>(Indicator.class);
        final List<OutboxEntry> committed = new ArrayList<>();
        int beeps;
        boolean shutdown;
        boolean printer;
        String printFailure;
        boolean camera;
        String cameraFailure;
        int photos;

        @Override
        public boolean camera() {
            return camera;
        }

        @Override
        public org.rts.protocol.message.Photo photograph() throws java.io.IOException {
            if (cameraFailure != null) {
                throw new java.io.IOException(cameraFailure);
            }
            photos++;
            return org.rts.protocol.message.Photo.of(new byte[2048 * photos]);
        }
        final List<OutboxEntry> printed = new ArrayList<>();

        @Override
        public boolean printer() {
            return printer;
        }

        @Override
        public String print(OutboxEntry entry, String code) {
            if (printFailure != null) {
                return printFailure;
            }
            printed.add(entry);
            return null;
        }

        @Override
        public void show(List<String> lines) {
            screen = lines;
            if (hardware != null) {
                hardware.display().show(lines);
            }
        }

        @Override
        public void indicator(Indicator indicator, boolean on) {
            lights.put(indicator, on);
            if (hardware != null) {
                hardware.indicators().set(indicator, on);
            }
        }

        @Override
        public void beep(int millis) {
            beeps++;
            if (hardware != null) {
                hardware.indicators().beep(millis);
            }
        }

        @Override
        public void committed(OutboxEntry entry) {
            committed.add(entry);
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        String text() {
            return String.join("\n", screen);
        }
    }

    @BeforeEach
    void setUp() {
        hardware = openHardware();
        election = new Election("el", "Election", Mode.LIVE, List.of(new Race("parliament", "Parliament",
                List.of(new Candidate("a", "Alpha"), new Candidate("b", "Beta")))),
                List.of(new Station("S-1", "One", 500)), null,
                new Polling("Asia/Baghdad", List.of(LocalTime.of(10, 0), LocalTime.of(13, 0))));
        ElectionFiles files = TestUnit.election(dir.resolve("election"), clock, election);
        Path bundleDir = TestUnit.enrol(files, clock, files.bundle("dev-1").dir(), "dev-1", "S-1");
        outbox = Outbox.create(dir.resolve("data/outbox.db"));
        workflow = new Workflow(Bundle.load(bundleDir, clock.instant()), outbox, clock);
        flow = new OfficerFlow(workflow, election, "S-1", Messages.of("en"), out, clock, 4);
        flow.render();
    }

    @AfterEach
    void tearDown() {
        outbox.close();
        hardware.close();
    }

    private void press(Button... buttons) {
        for (Button b : buttons) {
            flow.pressed(b);
        }
    }

    private void type(int number) {
        for (char c : String.valueOf(number).toCharArray()) {
            flow.digit(c - '0');
        }
    }

    /** Types each figure and moves on; the result form starts with registered already filled. */
    private void enterResult(int received, int unused, int spoiled, int inBox, int invalid, int a, int b) {
        press(Button.DOWN, Button.NEXT);
        assertEquals(State.ENTRY, flow.state());
        assertTrue(out.text().contains("Registered voters"), out.text());
        assertTrue(out.text().contains("500_"), "prefilled from the ballot definition: " + out.text());
        press(Button.NEXT);
        for (int v : new int[] {received, unused, spoiled, inBox, invalid, a, b}) {
            type(v);
            press(Button.NEXT);
        }
    }

    @Test
    void idle_shows_station_local_time_battery_and_the_menu() {
        flow.battery(BatteryReading.of(87, 4.1, true, true));
        flow.tick(0);
        assertEquals(State.IDLE, flow.state());
        assertTrue(out.text().contains("Station S-1"), out.text());
        assertTrue(out.text().contains("09:55"), "in the election's time zone, to the minute: " + out.text());
        assertTrue(out.text().contains("battery 87%"), out.text());
        assertTrue(out.text().contains("> Turnout"));
        press(Button.DOWN);
        assertTrue(out.text().contains("> Result Parliament"));
        press(Button.DOWN);
        assertTrue(out.text().contains("> Turnout"), "the menu wraps");
        press(Button.UP);
        assertTrue(out.text().contains("> Result Parliament"));
    }

    @Test
    void a_turnout_goes_from_entry_through_review_and_confirm_to_the_receipt_code() {
        press(Button.NEXT);
        assertEquals(State.ENTRY, flow.state());
        type(123);
        assertTrue(out.text().contains("123_"), out.text());
        press(Button.NEXT);
        assertEquals(State.REVIEW, flow.state());
        assertTrue(out.text().contains("Check against the paper form"), out.text());
        press(Button.DOWN);
        assertTrue(out.text().contains("Voters so far: 123"), out.text());
        press(Button.TRANSMIT);
        assertEquals(State.CONFIRM, flow.state());
        press(Button.CONFIRM);
        assertEquals(State.QUEUED, flow.state());
        assertEquals(1, out.committed.size());
        assertEquals(1, outbox.pending().size(), "signed and kept before anything is sent");
        assertEquals(Boolean.TRUE, out.lights.get(Indicator.PENDING), "a pending report is visible at a glance");
        OutboxEntry entry = out.committed.get(0);
        flow.answered(entry, receipt(entry, Receipt.Status.ACCEPTED, List.of()));
        assertEquals(State.ANSWERED, flow.state());
        assertTrue(out.text().contains("ACCEPTED by the hub"), out.text());
        assertTrue(out.text().contains(Receipt.code(entry.hash(), Receipt.Status.ACCEPTED)), out.text());
        press(Button.NEXT);
        assertEquals(State.IDLE, flow.state());
    }

    @Test
    void a_result_with_an_error_names_the_rule_and_figures_and_goes_back_to_editing() {
        enterResult(600, 198, 2, 400, 10, 300, 200); // 500 valid + 10 invalid in a box of 400
        assertEquals(State.REVIEW, flow.state());
        assertTrue(out.text().contains("Cannot send:"), out.text());
        assertTrue(out.text().contains("In box 400 is not valid 500 + invalid 10"), out.text());
        assertTrue(out.text().contains("Valid 500 + invalid 10 is more than registered 500"), out.text());
        assertEquals(Boolean.TRUE, out.lights.get(Indicator.ERROR));
        press(Button.TRANSMIT);
        assertEquals(State.REVIEW, flow.state(), "an error cannot be transmitted");
        assertEquals(0, outbox.pending().size());
        press(Button.NEXT);
        assertEquals(State.ENTRY, flow.state(), "back to editing");
        assertTrue(out.text().contains("1/8"), out.text());
    }

    @Test
    void a_warning_needs_an_explicit_confirm_before_transmit() {
        enterResult(600, 200, 0, 400, 150, 150, 100); // 150 invalid of 400: a warning
        assertEquals(State.REVIEW, flow.state());
        assertTrue(out.text().contains("Please check:"), out.text());
        assertTrue(out.text().contains("Many invalid ballots: 150 of 400"), out.text());
        press(Button.TRANSMIT);
        assertEquals(State.REVIEW, flow.state(), "not before the warning is confirmed");
        press(Button.CONFIRM, Button.TRANSMIT);
        assertEquals(State.CONFIRM, flow.state());
    }

    @Test
    void a_confirm_that_never_comes_returns_to_review_and_cancel_too() {
        press(Button.NEXT);
        type(50);
        press(Button.NEXT, Button.TRANSMIT);
        assertEquals(State.CONFIRM, flow.state());
        clock.advance(OfficerFlow.CONFIRM_WINDOW.minusSeconds(1));
        flow.tick(0);
        assertEquals(State.CONFIRM, flow.state());
        clock.advance(Duration.ofSeconds(1));
        flow.tick(0);
        assertEquals(State.REVIEW, flow.state());
        press(Button.TRANSMIT, Button.CANCEL);
        assertEquals(State.REVIEW, flow.state());
        press(Button.TRANSMIT, Button.TRANSMIT);
        assertEquals(State.CONFIRM, flow.state(), "a second TRANSMIT is not a confirm");
        assertEquals(0, outbox.pending().size());
    }

    @Test
    void digits_beyond_the_fields_range_are_refused_with_a_beep() {
        press(Button.NEXT);
        type(500);
        flow.digit(1); // 5001 > 500 registered
        assertTrue(out.text().contains("500_"), out.text());
        assertTrue(out.text().contains("At most 500"), out.text());
        assertEquals(1, out.beeps);
        press(Button.UP);
        assertTrue(out.text().contains("500_"), "up stops at the maximum");
        press(Button.CANCEL);
        assertTrue(out.text().contains("_"), "cancel clears the field");
        press(Button.NEXT);
        assertEquals(State.ENTRY, flow.state(), "an empty field cannot be passed");
        press(Button.CANCEL);
        assertEquals(State.IDLE, flow.state(), "cancel on an empty first field leaves");
    }

    @Test
    void re_entering_a_report_already_queued_does_not_queue_a_second_copy() {
        press(Button.NEXT);
        type(70);
        press(Button.NEXT, Button.TRANSMIT, Button.CONFIRM, Button.NEXT);
        assertEquals(State.IDLE, flow.state(), "it goes on sending in the background");
        press(Button.NEXT);
        type(70);
        press(Button.NEXT, Button.TRANSMIT, Button.CONFIRM);
        assertEquals(State.ANSWERED, flow.state());
        assertTrue(out.text().contains("Already waiting to be sent"), out.text());
        assertEquals(1, outbox.pending().size());
    }

    private OfficerFlow withPhotos(Election.Photos photos) {
        Election asking = new Election(election.id(), election.name(), election.mode(), election.races(),
                election.constituencies(), election.stations(), election.tolerances(), election.polling(), photos);
        out.camera = true;
        OfficerFlow f = new OfficerFlow(workflow, asking, "S-1", Messages.of("en"), out, clock, 4);
        f.render();
        return f;
    }

    private static String payload(OutboxEntry entry) {
        return new String(java.util.Base64.getUrlDecoder().decode(entry.jws().split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void where_the_ballot_asks_a_result_is_bound_to_the_photo_of_its_form_taken_again_until_it_is_right() {
        flow = withPhotos(Election.Photos.REQUIRED);
        enterResult(400, 100, 0, 300, 1, 199, 100);
        press(Button.TRANSMIT);
        assertEquals(State.PHOTO, flow.state());
        assertTrue(out.text().contains("Photograph the signed form") && !out.text().contains("without"),
                "required: no way to skip it: " + out.text());
        press(Button.NEXT);
        assertEquals(State.PHOTO, flow.state(), "NEXT does not skip a required photo");
        press(Button.CONFIRM);
        assertTrue(out.text().contains("Photo taken: 2 KB"), out.text());
        press(Button.UP);
        assertTrue(out.text().contains("Photo taken: 4 KB"), "taken again: " + out.text());
        press(Button.CONFIRM);
        assertEquals(State.PHOTO, flow.state(), "CONFIRM takes it again: only TRANSMIT uses it");
        assertTrue(out.text().contains("Photo taken: 6 KB"), out.text());
        press(Button.UP, Button.TRANSMIT);
        assertEquals(State.CONFIRM, flow.state());
        press(Button.CONFIRM);
        OutboxEntry result = out.committed.get(0);
        String hash = org.rts.protocol.message.Photo.of(new byte[8192]).sha256();
        assertTrue(payload(result).contains("\"v\":2,") && payload(result).endsWith(",\"photo\":{\"sha256\":\""
                + hash + "\",\"bytes\":8192}}"), "the last photo is the one signed: " + payload(result));
        assertTrue(new ResultSlips(election, Messages.of("en")).of(result, "K7Q2-M4XD").lines()
                .contains("Photo of the form: " + hash.substring(0, 12)), "the slip names the photo");
    }

    @Test
    void an_optional_photo_may_be_skipped_and_a_failed_camera_never_strands_a_result() {
        flow = withPhotos(Election.Photos.OPTIONAL);
        enterResult(400, 100, 0, 300, 1, 199, 100);
        press(Button.TRANSMIT);
        assertTrue(out.text().contains("NEXT: send without a photo"), out.text());
        press(Button.NEXT, Button.CONFIRM);
        assertTrue(payload(out.committed.get(0)).endsWith(",\"photo\":{\"skipped\":true}}"));

        flow = withPhotos(Election.Photos.REQUIRED);
        out.cameraFailure = "rpicam-still failed (exit 1): no cameras available";
        press(Button.NEXT);
        type(120);
        press(Button.NEXT, Button.TRANSMIT, Button.CONFIRM); // a turnout: no photo step
        assertEquals(2, out.committed.size());
        assertFalse(payload(out.committed.get(1)).contains("photo"), "a turnout carries no photo");
    }

    @Test
    void a_unit_without_a_camera_sends_its_result_saying_it_has_no_photo() {
        flow = withPhotos(Election.Photos.REQUIRED);
        out.camera = false;
        enterResult(400, 100, 0, 300, 1, 199, 100);
        press(Button.TRANSMIT);
        assertEquals(State.CONFIRM, flow.state(), "no photo step without a camera");
        press(Button.CONFIRM);
        assertTrue(payload(out.committed.get(0)).endsWith(",\"photo\":{\"skipped\":true}}"));
    }

    @Test
    void a_camera_that_fails_is_named_and_lets_the_officer_send_without_a_photo() {
        flow = withPhotos(Election.Photos.REQUIRED);
        out.cameraFailure = "rpicam-still failed (exit 1): no cameras available";
        enterResult(400, 100, 0, 300, 1, 199, 100);
        press(Button.TRANSMIT, Button.CONFIRM);
        assertTrue(out.text().contains("Camera: rpicam-still failed (exit 1): no cameras available"), out.text());
        assertTrue(out.text().contains("NEXT: send without (no camera)"), out.text());
        press(Button.CANCEL);
        assertEquals(State.REVIEW, flow.state(), "CANCEL goes back to the review");
        press(Button.TRANSMIT, Button.CONFIRM, Button.NEXT, Button.CONFIRM);
        assertTrue(payload(out.committed.get(0)).endsWith(",\"photo\":{\"skipped\":true}}"));
    }

    @Test
    void an_accepted_result_prints_its_slip_and_transmit_prints_one_more_each_time() {
        out.printer = true;
        press(Button.NEXT);
        type(70);
        press(Button.NEXT, Button.TRANSMIT, Button.CONFIRM);
        OutboxEntry turnout = out.committed.get(0);
        flow.answered(turnout, receipt(turnout, Receipt.Status.ACCEPTED, List.of()));
        assertTrue(out.printed.isEmpty(), "a turnout has no slip");
        press(Button.NEXT);

        enterResult(400, 100, 0, 300, 1, 199, 100);
        press(Button.TRANSMIT, Button.CONFIRM);
        OutboxEntry result = out.committed.get(1);
        flow.answered(result, receipt(result, Receipt.Status.ACCEPTED, List.of()));
        assertEquals(List.of(result), out.printed, "printed once the hub accepted it");
        assertTrue(out.text().contains("Copy the code. TRANSMIT: slip"), out.text());
        press(Button.TRANSMIT, Button.TRANSMIT);
        assertEquals(List.of(result, result, result), out.printed, "a copy for each party agent");
        assertTrue(out.text().contains("Slip printed. TRANSMIT: again"), out.text());
        out.printFailure = "printer /dev/usb/lp0: No such device";
        press(Button.TRANSMIT);
        assertEquals(State.ANSWERED, flow.state());
        assertTrue(out.text().contains("Slip not printed: printer /dev/usb/lp0: No such device"), out.text());
        assertTrue(out.text().contains(Receipt.code(result.hash(), Receipt.Status.ACCEPTED)), "the code stays");
        press(Button.NEXT, Button.TRANSMIT);
        assertEquals(3, out.printed.size(), "no slip once the answer is dismissed");
    }

    @Test
    void the_slip_carries_the_figures_in_the_units_language_and_a_qr_code_of_the_message_as_sent() throws Exception {
        enterResult(400, 100, 0, 300, 1, 199, 100);
        press(Button.TRANSMIT);
        assertEquals(State.CONFIRM, flow.state(), out.text());
        press(Button.CONFIRM);
        OutboxEntry result = out.committed.get(0);
        Path slips = dir.resolve("slips");
        new PngPrinter(slips).print(new ResultSlips(election, Messages.of("ar")).of(result, "K7Q2-M4XD"));
        Slip en = new ResultSlips(election, Messages.of("en")).of(result, "K7Q2-M4XD");
        assertEquals(List.of("RESULT SIGNED BY THE UNIT", "Election", "Station S-1 One", "Race: Parliament",
                "Registered voters: 500", "Ballots received: 400", "Ballots unused: 100", "Ballots spoiled: 0",
                "Ballots in the box: 300", "Invalid ballots: 1", "Alpha: 199", "Beta: 100", "Valid votes: 299",
                "Count closed: 2026-11-26 09:55", "Receipt code: K7Q2-M4XD", "Unit dev-1, message 1",
                "Scan the code to check the signature"), en.lines());

        Process zbar = new ProcessBuilder("zbarimg", "--quiet", "--raw", "-Sbinary",
                slips.resolve("slip-1.png").toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String read = new String(zbar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, zbar.waitFor(), "zbarimg read no code");
        assertEquals(result.jws(), read.strip(), "the QR code holds the signed message exactly as sent");
    }

    @Test
    void a_rejection_shows_the_reasons_in_plain_words_and_a_held_message_says_so() {
        press(Button.NEXT);
        type(70);
        press(Button.NEXT, Button.TRANSMIT, Button.CONFIRM);
        OutboxEntry entry = out.committed.get(0);
        flow.answered(entry, new Receipt(1, "dev-1", "t", entry.hash(), entry.seq(), false, Receipt.Status.REJECTED,
                List.of(new Finding("CERTIFICATE_UNTRUSTED", "x")), List.of(), null, clock.instant(), "X"));
        assertEquals(State.QUEUED, flow.state());
        assertTrue(out.text().contains("The hub has not taken it yet"), out.text());
        flow.answered(entry, receipt(entry, Receipt.Status.REJECTED, List.of(new Finding("CONFLICT", "x"))));
        assertEquals(State.ANSWERED, flow.state());
        assertTrue(out.text().contains("REJECTED by the hub"), out.text());
        assertTrue(out.text().contains("Another result for this station was accepted"), out.text());
    }

    @Test
    void a_refused_unit_says_so_and_asks_for_the_technician() {
        flow.refused("not authorised");
        assertEquals(State.REVOKED, flow.state());
        assertTrue(out.text().contains("This unit is refused") && out.text().contains("Call the technician"));
        assertEquals(Boolean.TRUE, out.lights.get(Indicator.ERROR));
        press(Button.NEXT);
        assertEquals(State.IDLE, flow.state());
        assertTrue(out.text().contains("Call the technician"), "still said on the idle screen");
    }

    @Test
    void the_turnout_prompt_comes_at_the_elections_times_when_idle() {
        flow.tick(0);
        assertEquals(State.IDLE, flow.state());
        clock.advance(Duration.ofMinutes(5)); // 10:00 Baghdad
        flow.tick(0);
        assertEquals(State.ENTRY, flow.state());
        assertTrue(out.text().contains("Voters so far"), out.text());
        assertTrue(out.beeps > 0);
        press(Button.CANCEL);
        clock.advance(Duration.ofMinutes(30));
        flow.tick(0);
        assertEquals(State.IDLE, flow.state(), "one prompt per time");
    }

    @Test
    void low_battery_warns_and_an_empty_one_shuts_down_cleanly_but_not_on_mains() {
        flow.battery(BatteryReading.of(15, 3.6, false, false));
        flow.tick(0);
        assertTrue(out.text().contains("Battery low: 15%"), out.text());
        flow.battery(BatteryReading.of(3, 3.3, true, true));
        assertFalse(out.shutdown, "charging: no shutdown");
        flow.battery(BatteryReading.unknown("gauge gone"));
        assertFalse(out.shutdown, "an unknown reading is not an empty battery");
        flow.tick(0);
        assertTrue(out.text().contains("battery ?"), out.text());
        flow.battery(BatteryReading.of(3, 3.3, false, false));
        assertTrue(out.shutdown);
        assertEquals(State.SHUTDOWN, flow.state());
        press(Button.NEXT);
        assertEquals(State.SHUTDOWN, flow.state());
    }

    @Test
    void a_gauge_that_stops_answering_does_not_stop_transmission() {
        flow.battery(BatteryReading.unknown("I2C read failed"));
        press(Button.NEXT);
        type(12);
        press(Button.NEXT, Button.TRANSMIT, Button.CONFIRM);
        assertEquals(State.QUEUED, flow.state());
        assertEquals(1, outbox.pending().size());
    }

    @Test
    void a_tally_file_for_this_station_is_loaded_into_review_and_a_foreign_one_refused() {
        TallyForm form = new TallyForm("parliament", 500, 600, 200, 0, 400, 10, Map.of("a", 250, "b", 140), null);
        flow.loaded(form, "el", "S-9");
        assertEquals(State.IDLE, flow.state());
        assertTrue(out.text().contains("File is for S-9 / el"), out.text());
        flow.loaded(form, "el", "S-1");
        assertEquals(State.REVIEW, flow.state());
        assertTrue(out.text().contains("Tally file loaded: parliament"), out.text());
        press(Button.TRANSMIT, Button.CONFIRM);
        assertEquals(State.QUEUED, flow.state());
    }

    @Test
    void a_tally_file_being_read_then_refused_is_told_to_the_officer_in_each_language() {
        Map<String, List<String>> expected = Map.of(
                "en", List.of("Reading tally file S-1.tally.csv", "over 1 MiB", "is a link"),
                "fr", List.of("Lecture du fichier de PV S-1.tally.csv", "plus de 1 Mio", "en lien"),
                "ar", List.of("جارٍ قراءة ملف المحضر S-1.tally.csv", "أكبر من 1 ميغابايت", "رابط"));
        expected.forEach((language, texts) -> {
            Recorder rec = new Recorder();
            OfficerFlow f = new OfficerFlow(workflow, election, "S-1", Messages.of(language), rec, clock, 4);
            f.reading("S-1.tally.csv");
            assertTrue(rec.text().contains(texts.get(0)), rec.text());
            f.unreadable(TallyFileProblem.TOO_LARGE);
            assertTrue(rec.text().contains(texts.get(1)), rec.text());
            f.unreadable(TallyFileProblem.LINK);
            assertTrue(rec.text().contains(texts.get(2)), rec.text());
            assertEquals(State.IDLE, f.state());
        });
    }

    @Test
    void the_same_flow_speaks_arabic_and_french() {
        for (String language : List.of("ar", "fr")) {
            Recorder rec = new Recorder();
            OfficerFlow f = new OfficerFlow(workflow, election, "S-1", Messages.of(language), rec, clock, 4);
            f.render();
            assertTrue(rec.text().contains(language.equals("ar") ? "المحطة S-1" : "Bureau S-1"), rec.text());
            f.refused("x");
            assertTrue(rec.text().contains(language.equals("ar") ? "اتصل بالفني" : "Appelez le technicien"),
                    rec.text());
        }
    }

    private static Receipt receipt(OutboxEntry entry, Receipt.Status status, List<Finding> reasons) {
        return new Receipt(1, "dev-1", "t", entry.hash(), entry.seq(), true, status, reasons, List.of(), null,
                Instant.now(), Receipt.code(entry.hash(), status));
    }
}
