package org.rts.provisioning.election;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.rts.provisioning.ProvisioningException;

/**
 * One provisioning command at a time on an election folder: a command reads the registry, changes it and saves it
 * whole (an enrolment batch over minutes), so a second one beside it would save over the first's units. The lock
 * ({@code .provisioning.lock} in the folder) is the operating system's: a command killed lets go of it.
 */
public final class ElectionLock {
    private static final Map<Path, FileLock> HELD = new HashMap<>();

    private ElectionLock() {
    }

    /**
     * Takes the lock of {@code dir} for this process until {@link #releaseAll}, waiting (and saying so on
     * {@code err}) while another command holds it; again in the same command, nothing more.
     */
    public static synchronized void hold(Path dir, PrintStream err) {
        Path key = dir.toAbsolutePath().normalize();
        if (HELD.containsKey(key) || !java.nio.file.Files.isDirectory(key)) {
            return; // held already, or no election there (which the command then says)
        }
        Path file = key.resolve(".provisioning.lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                err.println("provisioning: another provisioning command is working on " + key + " (it holds "
                        + file + "): waiting for it to finish");
                lock = channel.lock();
            }
            HELD.put(key, lock);
        } catch (IOException e) {
            close(channel);
            throw new ProvisioningException("cannot lock " + file + " (one provisioning command at a time on an"
                    + " election): " + e.getMessage());
        }
    }

    /** Lets go of every lock this process holds: the command has finished. */
    public static synchronized void releaseAll() {
        HELD.values().forEach(lock -> close(lock.channel()));
        HELD.clear();
    }

    private static void close(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing releases the lock; nothing else is held
        }
    }
}
