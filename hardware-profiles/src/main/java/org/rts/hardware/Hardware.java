package org.rts.hardware;

/** The devices a profile provides to the agent. */
public record Hardware(String profile, Display display, BatteryGauge battery) {
}
