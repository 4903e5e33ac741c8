package org.rts.hardware.pi;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2C;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;

/** A Pi4J context with the mock plugin's providers only: pins and I2C chips with no board behind them. */
final class MockBoard {
    private MockBoard() {
    }

    static Context context() {
        return Pi4J.newContextBuilder().add(MockDigitalInputProvider.newInstance(),
                MockDigitalOutputProvider.newInstance(), MockI2CProvider.newInstance()).build();
    }

    static MockI2C chip(Context pi4j, int address) {
        return (MockI2C) pi4j.create(I2C.newConfigBuilder(pi4j).id("chip-" + address).bus(1).device(address).build());
    }

    /** Queues a big-endian word for the next read of {@code register}. */
    static void word(MockI2C chip, int register, int value) {
        chip.writeRegister(register, new byte[] {(byte) (value >> 8), (byte) value}, 0, 2);
    }
}
