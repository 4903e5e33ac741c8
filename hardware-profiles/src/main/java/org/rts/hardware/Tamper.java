package org.rts.hardware;

/** The case switch: open means someone opened the unit. */
public interface Tamper {
    /** Whether the case is open now; false on boards without a switch. */
    boolean open();
}
