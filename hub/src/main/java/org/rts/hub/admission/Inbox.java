package org.rts.hub.admission;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between the broker connection and the intake worker, bounded both in messages and in bytes so
 * that no burst and no large message can exhaust the hub's memory. {@link #offer} never blocks (it runs on the
 * MQTT client's thread); a message refused because the inbox is full stays unacknowledged at the broker, which
 * delivers it again. {@link #overflowed} tells the hub to ask for that redelivery once the inbox has drained.
 */
public final class Inbox<T> {
    private final int maxMessages;
    private final long maxBytes;
    private final ArrayDeque<Item<T>> items = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private long bytes;
    private boolean overflowed;

    private record Item<T>(T value, long bytes) {
    }

    public Inbox(int maxMessages, long maxBytes) {
        if (maxMessages < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("inbox bounds must be >= 1, found: " + maxMessages + " messages, "
                    + maxBytes + " bytes");
        }
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Adds {@code value} weighing {@code size} bytes; false (and marks an overflow) when it does not fit. */
    public boolean offer(T value, long size) {
        lock.lock();
        try {
            if (items.size() >= maxMessages || (bytes + size > maxBytes && !items.isEmpty())) {
                overflowed = true;
                return false;
            }
            items.add(new Item<>(value, size));
            bytes += size;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest message, waiting up to {@code timeoutMillis}; null if none came. */
    public T poll(long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (items.isEmpty()) {
                if (left <= 0) {
                    return null;
                }
                left = notEmpty.awaitNanos(left);
            }
            Item<T> item = items.poll();
            bytes -= item.bytes();
            return item.value();
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@code max} waiting messages, oldest first, into {@code to} without waiting; how many it moved. */
    public int drainTo(Collection<? super T> to, int max) {
        lock.lock();
        try {
            int n = 0;
            while (n < max && !items.isEmpty()) {
                Item<T> item = items.poll();
                bytes -= item.bytes();
                to.add(item.value());
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** True once if a message was refused since the last call and the inbox is now empty. */
    public boolean drainedAfterOverflow() {
        lock.lock();
        try {
            if (overflowed && items.isEmpty()) {
                overflowed = false;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Empties the inbox (on shutdown: nothing in it was acknowledged, the broker keeps it). */
    public void clear() {
        lock.lock();
        try {
            items.clear();
            bytes = 0;
        } finally {
            lock.unlock();
        }
    }
}
