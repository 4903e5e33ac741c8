package org.rts.hub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.rts.hub.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sign-ins: throttled per account and per address before any hashing, hashed on a bounded pool. */
class SignInTest {
    private static final InetAddress HERE = InetAddress.getLoopbackAddress();

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final AtomicInteger hashed = new AtomicInteger();
    private final SignIn.Passwords passwords = new SignIn.Passwords() {
        @Override
        public boolean check(String name, char[] password) {
            hashed.incrementAndGet();
            return name.equals("amal") && new String(password).equals("correct horse");
        }

        @Override
        public boolean knows(String name) {
            return name.equals("amal") || name.equals("basim") || name.startsWith("user-");
        }
    };

    @Test
    void an_account_tried_too_often_is_refused_for_the_rest_of_its_window_without_hashing() throws Exception {
        try (SignIn signIn = new SignIn(passwords, clock, 2, 8)) {
            for (int i = 0; i < SignIn.PER_USER; i++) {
                assertInstanceOf(SignIn.Wrong.class, signIn.attempt("amal", "guess".toCharArray(), HERE));
            }
            clock.advance(Duration.ofMinutes(5));
            SignIn.Throttled t = assertInstanceOf(SignIn.Throttled.class,
                    signIn.attempt("amal", "correct horse".toCharArray(), HERE));
            assertEquals(true, t.account());
            assertEquals(10, t.minutes());
            assertEquals(SignIn.PER_USER, hashed.get());
            assertInstanceOf(SignIn.Wrong.class, signIn.attempt("basim", "guess".toCharArray(), HERE),
                    "another account is not throttled");
            clock.advance(Duration.ofMinutes(10));
            assertInstanceOf(SignIn.SignedIn.class, signIn.attempt("amal", "correct horse".toCharArray(), HERE));
        }
    }

    @Test
    void names_not_in_the_users_file_share_one_account_and_an_address_has_a_limit_of_its_own() throws Exception {
        try (SignIn signIn = new SignIn(passwords, clock, 2, 8)) {
            for (int i = 0; i < SignIn.PER_USER; i++) {
                signIn.attempt("nobody-" + i, "guess".toCharArray(), HERE);
            }
            assertInstanceOf(SignIn.Throttled.class, signIn.attempt("nobody-else", "guess".toCharArray(), HERE));
            InetAddress other = InetAddress.getByName("192.0.2.7");
            for (int i = 0; i < SignIn.PER_ADDRESS; i++) {
                assertInstanceOf(SignIn.Wrong.class, signIn.attempt("user-" + i, "guess".toCharArray(), other));
            }
            SignIn.Throttled t = assertInstanceOf(SignIn.Throttled.class,
                    signIn.attempt("amal", "correct horse".toCharArray(), other));
            assertEquals(false, t.account());
            assertInstanceOf(SignIn.SignedIn.class, signIn.attempt("amal", "correct horse".toCharArray(), HERE));
        }
    }

    @Test
    @Timeout(30)
    void a_sign_in_that_finds_the_pool_and_its_queue_full_is_refused_at_once() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SignIn.Passwords slow = new SignIn.Passwords() {
            @Override
            public boolean check(String name, char[] password) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return true;
            }

            @Override
            public boolean knows(String name) {
                return true;
            }
        };
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (SignIn signIn = new SignIn(slow, clock, 1, 1)) {
            List<Future<SignIn.Outcome>> waiting = new ArrayList<>();
            for (String name : List.of("amal", "basim")) {
                waiting.add(callers.submit(() -> signIn.attempt(name, "x".toCharArray(), HERE)));
            }
            while (signIn.inFlight() < 2) {
                Thread.sleep(10);
            }
            assertInstanceOf(SignIn.Busy.class, signIn.attempt("chiara", "x".toCharArray(), HERE));
            release.countDown();
            for (Future<SignIn.Outcome> f : waiting) {
                assertInstanceOf(SignIn.SignedIn.class, f.get());
            }
            assertInstanceOf(SignIn.SignedIn.class, signIn.attempt("chiara", "x".toCharArray(), HERE),
                    "a refused attempt is not counted");
        } finally {
            callers.shutdownNow();
        }
    }
}
