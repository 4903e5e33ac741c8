package org.rts.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a test folder, which the test fills to make the disk full (a real ENOSPC for whatever
 * writes there) and frees again. Mounting needs root, as on the CI machine; elsewhere the test is skipped with a
 * message saying so.
 */
final class SmallDisk implements AutoCloseable {
    private final Path dir;
    private final Path filler;

    private SmallDisk(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    static SmallDisk mount(Path dir, int megabytes) throws Exception {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs",
                dir.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        boolean done = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        Assumptions.assumeTrue(done, "a full disk is simulated with a tmpfs, which needs root to mount: " + output);
        return new SmallDisk(dir);
    }

    Path dir() {
        return dir;
    }

    /** Writes until the disk is full. */
    void fill() throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor(20, TimeUnit.SECONDS);
    }
}
