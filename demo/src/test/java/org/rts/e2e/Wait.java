package org.rts.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition; tests carry their own @Timeout, so this only bounds how long one step may take. */
final class Wait {
    private Wait() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
