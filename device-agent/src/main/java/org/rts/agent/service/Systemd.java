package org.rts.agent.service;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Talks to systemd when the service runs under it ({@code Type=notify}, {@code NotifyAccess=all}): READY once
 * the unit is up, WATCHDOG pings at half the unit's {@code WatchdogSec}, STOPPING on the way down. Through the
 * {@code systemd-notify} tool, since the JDK cannot send to the notify datagram socket. Does nothing elsewhere.
 */
final class Systemd {
    private final boolean active;
    private final long watchdogMillis;

    private Systemd(boolean active, long watchdogMillis) {
        this.active = active;
        this.watchdogMillis = watchdogMillis;
    }

    static Systemd fromEnvironment() {
        String socket = System.getenv("NOTIFY_SOCKET");
        String usec = System.getenv("WATCHDOG_USEC");
        long watchdog = 0;
        try {
            watchdog = usec == null ? 0 : Long.parseLong(usec) / 1000;
        } catch (NumberFormatException ignored) {
            // no watchdog
        }
        return new Systemd(socket != null && !socket.isBlank(), watchdog);
    }

    long watchdog() {
        return active ? watchdogMillis : 0;
    }

    void ready() {
        send("--ready");
    }

    void ping() {
        send("WATCHDOG=1");
    }

    void stopping() {
        send("STOPPING=1");
    }

    private void send(String what) {
        if (!active) {
            return;
        }
        try {
            Process p = new ProcessBuilder("systemd-notify", what).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // without systemd-notify the unit still runs; systemd restarts it if the watchdog is missed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
