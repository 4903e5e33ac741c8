package org.rts.agent.transmission;

import java.time.Duration;
import java.time.Instant;

/**
 * Something the hub did not take (a message it could not authenticate, a photo it refused), held back until
 * {@code until}: the cause may be mended at the hub, so it goes again, after a pause that doubles each time up to
 * {@link #LONGEST}.
 */
public record Hold(Instant until, Duration pause) {
    public static final Duration FIRST = Duration.ofSeconds(30);
    public static final Duration LONGEST = Duration.ofMinutes(10);

    /** The hold after {@code previous} (null: the first), from {@code now}. */
    public static Hold after(Hold previous, Instant now) {
        Duration pause = previous == null ? FIRST : previous.pause.multipliedBy(2);
        pause = pause.compareTo(LONGEST) > 0 ? LONGEST : pause;
        return new Hold(now.plus(pause), pause);
    }

    /** Whether it is still held at {@code now}. */
    public boolean holds(Instant now) {
        return now.isBefore(until);
    }
}
