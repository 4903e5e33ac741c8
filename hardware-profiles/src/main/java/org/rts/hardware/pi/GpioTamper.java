package org.rts.hardware.pi;

import com.pi4j.io.gpio.digital.DigitalInput;
import org.rts.hardware.Tamper;

/** A case switch that closes to ground while the case is shut (pull-up on): high means open. */
public final class GpioTamper implements Tamper {
    private final DigitalInput input;

    public GpioTamper(DigitalInput input) {
        this.input = input;
    }

    @Override
    public boolean open() {
        return input.isHigh();
    }
}
