package org.rts.agent.workflow;

import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

/**
 * The election's turnout times: each falls due once a day, when the local time reaches it. A time that falls due
 * while the officer is busy is not asked for again.
 */
final class TurnoutPrompts {
    private final List<LocalTime> times;
    private LocalTime last;

    /** Times already past at {@code start} are not due. */
    TurnoutPrompts(List<LocalTime> times, LocalTime start) {
        this.times = List.copyOf(times);
        this.last = start;
    }

    /** The time that fell due since the last call, if one did; {@code now}: the local time, to the minute. */
    Optional<LocalTime> due(LocalTime now) {
        Optional<LocalTime> due = Optional.empty();
        for (LocalTime at : times) {
            if (last.isBefore(at) && !now.isBefore(at)) {
                last = now;
                due = Optional.of(at);
            }
        }
        if (now.isBefore(last)) {
            last = now; // a new day
        }
        return due;
    }
}
