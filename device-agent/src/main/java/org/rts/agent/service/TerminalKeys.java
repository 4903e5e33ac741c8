package org.rts.agent.service;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.rts.hardware.Buttons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal as the unit's keypad, where its buttons take typed keys ({@link Buttons#keys}): each key, as it is
 * typed, presses the button it stands for. The service starts it once it listens to the buttons and closes it when it stops, which
 * gives the terminal back its line mode.
 */
public final class TerminalKeys implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TerminalKeys.class);

    private final Buttons.KeyReader reader;
    private final InputStream keys;

    public TerminalKeys(Buttons.KeyReader reader, InputStream keys) {
        this.reader = reader;
        this.keys = keys;
    }

    /** Reads keys on a daemon thread until the input ends. */
    void start() {
        terminal("-icanon", "-echo", "min", "1"); // each key as it is typed, not line by line
        Thread thread = new Thread(() -> {
            try {
                reader.readFrom(keys);
            } catch (IOException e) {
                LOG.warn("terminal keys no longer read: {}", e.getMessage());
            }
        }, "unit-keys");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        terminal("icanon", "echo");
    }

    /** Sets the controlling terminal's mode; nothing when there is none. */
    private static void terminal(String... mode) {
        if (System.console() == null) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("stty"));
        command.addAll(List.of(mode));
        try {
            new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/tty")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.debug("terminal mode not set: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
