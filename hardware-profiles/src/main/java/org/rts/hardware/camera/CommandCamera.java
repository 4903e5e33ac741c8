package org.rts.hardware.camera;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.rts.hardware.Camera;

/**
 * A camera driven by the system's own capture program, which writes one JPEG to its standard output:
 * {@code rpicam-still} for a Raspberry Pi camera (Raspberry Pi OS Bookworm and later), {@code fswebcam} for a USB
 * camera through V4L2.
 */
public final class CommandCamera implements Camera {
    /** Longer than a capture takes with auto-exposure in a dim room; a camera that hangs is named, not waited on. */
    private static final long TIMEOUT_SECONDS = 10;
    private static final int MAX_OUTPUT = 32 * 1024 * 1024;

    private final List<String> command;

    public CommandCamera(List<String> command) {
        this.command = List.copyOf(command);
    }

    /** The Raspberry Pi camera: 2028x1520 (a quarter of the HQ camera's sensor), JPEG quality 85. */
    public static CommandCamera rpicam() {
        return new CommandCamera(List.of("rpicam-still", "--nopreview", "--immediate", "--width", "2028",
                "--height", "1520", "--quality", "85", "--encoding", "jpg", "--output", "-"));
    }

    /** A USB camera on {@code device} (e.g. {@code /dev/video0}): 1920x1080, JPEG quality 85, no banner. */
    public static CommandCamera uvc(String device) {
        return new CommandCamera(List.of("fswebcam", "--quiet", "--device", device, "--resolution", "1920x1080",
                "--no-banner", "--skip", "5", "--jpeg", "85", "-"));
    }

    private static void drain(InputStream in, ByteArrayOutputStream into, int max) {
        try (in) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0;) {
                synchronized (into) {
                    into.write(buffer, 0, Math.max(0, Math.min(n, max - into.size())));
                }
            }
        } catch (IOException ignored) {
            // the program is gone; what it wrote so far is kept
        }
    }

    /** The program and its arguments. */
    List<String> command() {
        return command;
    }

    @Override
    public byte[] capture() throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new IOException(command.get(0) + " cannot be started (" + e.getMessage() + "): is it installed?",
                    e);
        }
        p.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream picture = new ByteArrayOutputStream();
        // both streams are read beside the wait, so a program that hangs is killed at the timeout, never waited on
        Thread errors = Thread.ofVirtual().start(() -> drain(p.getErrorStream(), err, Integer.MAX_VALUE));
        Thread output = Thread.ofVirtual().start(() -> drain(p.getInputStream(), picture, MAX_OUTPUT));
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " took no picture in " + TIMEOUT_SECONDS + " s");
            }
            output.join(5000);
            errors.join(1000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + command.get(0) + " took the picture", e);
        }
        byte[] jpeg;
        synchronized (picture) {
            jpeg = picture.toByteArray();
        }
        String said = err.toString(StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(command.get(0) + " failed (exit " + p.exitValue() + ")"
                    + (said.isEmpty() ? "" : ": " + said.lines().reduce((a, b) -> b).orElse("")));
        }
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            throw new IOException(command.get(0) + " gave no JPEG picture (" + jpeg.length + " bytes)");
        }
        return jpeg;
    }
}
