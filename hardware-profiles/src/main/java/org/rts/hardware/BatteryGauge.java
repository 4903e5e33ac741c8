package org.rts.hardware;

/** Reads the unit's battery. */
public interface BatteryGauge {
    BatteryReading read();
}
