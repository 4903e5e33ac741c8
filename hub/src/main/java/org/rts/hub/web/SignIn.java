package org.rts.hub.web;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks sign-ins: at most {@link #PER_USER} attempts per user and {@link #PER_ADDRESS} per remote address in
 * {@link #WINDOW}, then the rest of the window is refused without checking; the passwords are hashed on a pool of
 * its own ({@code threads}, with {@code queue} waiting), and an attempt that finds it full is refused at once, so
 * that a flood of sign-ins costs the hub a bounded share of its processors.
 */
final class SignIn implements AutoCloseable {
    static final int PER_USER = 5;
    static final int PER_ADDRESS = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final int THREADS = 2;
    static final int QUEUE = 8;
    /** The key of every name not in the users file: tried names do not fill the memory, nor tell who exists. */
    private static final String UNKNOWN = "\u0000unknown";

    /** The users file, as the sign-in needs it. */
    interface Passwords {
        boolean check(String name, char[] password);

        boolean knows(String name);
    }

    /** What became of an attempt. */
    sealed interface Outcome {
    }

    record SignedIn() implements Outcome {
    }

    record Wrong() implements Outcome {
    }

    /** Too many attempts for the account ({@code account} true) or from the address; try again after {@code retryAfter}. */
    record Throttled(boolean account, Duration retryAfter) implements Outcome {
        /** Whole minutes, rounded up. */
        long minutes() {
            return Math.max(1, (retryAfter.toSeconds() + 59) / 60);
        }
    }

    /** The hashing pool and its queue are full. */
    record Busy() implements Outcome {
    }

    private final Passwords passwords;
    private final Throttle users;
    private final Throttle addresses;
    private final ThreadPoolExecutor pool;

    SignIn(Passwords passwords, Clock clock, int threads, int queue) {
        this.passwords = passwords;
        this.users = new Throttle(PER_USER, WINDOW, 10_000, clock);
        this.addresses = new Throttle(PER_ADDRESS, WINDOW, 10_000, clock);
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "ops-sign-in-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Checks {@code password} for {@code name} on the pool, waiting for the answer; never hashes when throttled. */
    Outcome attempt(String name, char[] password, InetAddress from) throws InterruptedException {
        String address = from.getHostAddress();
        String user = passwords.knows(name) ? name : UNKNOWN;
        Duration wait = addresses.take(address);
        if (!wait.isZero()) {
            return new Throttled(false, wait);
        }
        wait = users.take(user);
        if (!wait.isZero()) {
            addresses.forgive(address);
            return new Throttled(true, wait);
        }
        Future<Boolean> check;
        try {
            check = pool.submit(() -> passwords.check(name, password));
        } catch (RejectedExecutionException e) {
            users.forgive(user);
            addresses.forgive(address);
            return new Busy();
        }
        boolean right;
        try {
            right = check.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("checking a password failed", e.getCause());
        }
        if (!right) {
            return new Wrong();
        }
        users.clear(user);
        addresses.forgive(address);
        return new SignedIn();
    }

    /** Checks running and waiting now. */
    int inFlight() {
        return pool.getActiveCount() + pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** The sign-in page, its form carrying {@code token}, with {@code message} (the hub's own text) under it. */
    static String page(String token, String message) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>RTS operations room</title>"
                + "</head><body><h1>RTS operations room</h1><form method=\"post\" action=\"/login\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + token + "\">"
                + "<label>User <input name=\"user\" autocomplete=\"username\"></label> "
                + "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\">"
                + "</label> <button>Sign in</button></form><p id=\"message\">" + message + "</p></body></html>";
    }
}
