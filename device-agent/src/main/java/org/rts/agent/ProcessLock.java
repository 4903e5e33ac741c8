package org.rts.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One agent process per unit: an exclusive lock on {@code agent.lock} in the unit's data folder, held while the
 * process works with the outbox and the broker. A second process is refused with who holds the lock. The
 * operating system releases the lock when the process dies, however it dies.
 */
public final class ProcessLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private ProcessLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static ProcessLock acquire(Path dataDir, String command) {
        Path file = dataDir.resolve("agent.lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                channel.close();
                throw new AgentException("another device-agent is working with this unit (" + (holder.isEmpty()
                        ? "starting" : holder) + "); wait for it to finish, or stop it, then try again. Nothing was"
                        + " done.");
            }
            try {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", '" + command
                        + "' since " + Instant.now()).getBytes(StandardCharsets.UTF_8)), 0);
            } catch (IOException e) {
                // who holds the lock is only for the message above; on a full disk the lock still holds
            }
            return new ProcessLock(channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // reporting the first error
                }
            }
            throw new AgentException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.truncate(0);
            channel.close();
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }
}
