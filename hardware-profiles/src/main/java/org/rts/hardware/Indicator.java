package org.rts.hardware;

/** Status lights: {@code PENDING} means a result waits to be sent, visible at a glance. */
public enum Indicator {
    POWER,
    ONLINE,
    PENDING,
    ERROR
}
