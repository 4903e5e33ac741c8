package org.rts.protocol.election;

import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/**
 * The polling day's clock: the time zone every time is shown in (to the minute) and the local times at which units
 * prompt the officer for turnout.
 *
 * @param timeZone  an IANA zone such as {@code Asia/Baghdad} or {@code Africa/Casablanca} (default {@code UTC})
 * @param turnoutAt local times of the turnout prompts, e.g. {@code ["10:00", "13:00", "16:00"]} (default none)
 * @param closesAt  local date and time the polls close, e.g. {@code "2026-11-26T18:00"} (default: not set; the
 *                  operations room's after-close alerts need it)
 */
public record Polling(String timeZone, List<LocalTime> turnoutAt, java.time.LocalDateTime closesAt) {
    public static final Polling DEFAULT = new Polling("UTC", List.of(), null);

    public Polling(String timeZone, List<LocalTime> turnoutAt) {
        this(timeZone, turnoutAt, null);
    }

    public Polling {
        timeZone = timeZone == null || timeZone.isBlank() ? "UTC" : timeZone;
        try {
            ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("polling.timeZone must be a time zone such as Asia/Baghdad, found: "
                    + timeZone);
        }
        turnoutAt = turnoutAt == null ? List.of() : turnoutAt.stream().sorted().distinct().toList();
    }

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    /** When the polls close, or null when not set. */
    public java.time.Instant closes() {
        return closesAt == null ? null : closesAt.atZone(zone()).toInstant();
    }
}
