package org.rts.hardware.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CamerasTest {
    @TempDir
    Path dir;

    @Test
    void the_capture_program_s_jpeg_is_the_photo_and_its_failure_is_named() throws Exception {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3};
        Path file = Files.write(dir.resolve("form.jpg"), jpeg);
        assertArrayEquals(jpeg, new CommandCamera(List.of("cat", file.toString())).capture());

        String failed = assertThrows(IOException.class, () -> new CommandCamera(List.of("sh", "-c",
                "echo 'ERROR: *** no cameras available ***' >&2; exit 1")).capture()).getMessage();
        assertEquals("sh failed (exit 1): ERROR: *** no cameras available ***", failed);
        String notJpeg = assertThrows(IOException.class, () -> new CommandCamera(List.of("echo", "hello"))
                .capture()).getMessage();
        assertEquals("echo gave no JPEG picture (6 bytes)", notJpeg);
        String missing = assertThrows(IOException.class, () -> new CommandCamera(List.of("no-such-rpicam-still"))
                .capture()).getMessage();
        assertTrue(missing.startsWith("no-such-rpicam-still cannot be started"), missing);
    }

    @Test
    void the_real_cameras_are_driven_by_their_own_programs() {
        assertEquals("rpicam-still", CommandCamera.rpicam().command().get(0));
        assertTrue(CommandCamera.uvc("/dev/video2").command().containsAll(List.of("fswebcam", "/dev/video2")));
    }

    @Test
    void the_simulated_camera_draws_a_new_jpeg_each_time() throws Exception {
        SimulatedCamera one = new SimulatedCamera(Clock.fixed(Instant.parse("2026-11-22T18:00:00Z"), ZoneOffset.UTC));
        SimulatedCamera two = new SimulatedCamera(Clock.fixed(Instant.parse("2026-11-22T18:00:05Z"), ZoneOffset.UTC));
        byte[] first = one.capture();
        assertEquals(0xFF, first[0] & 0xFF);
        assertEquals(0xD8, first[1] & 0xFF);
        assertFalse(Arrays.equals(first, two.capture()), "a retake is another photo");
    }
}
