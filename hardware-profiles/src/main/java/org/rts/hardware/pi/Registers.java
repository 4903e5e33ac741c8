package org.rts.hardware.pi;

import com.pi4j.io.i2c.I2C;

/** Word and byte register access, big-endian (high byte first) as the gauges send them. */
final class Registers {
    private Registers() {
    }

    static int word(I2C chip, int register) {
        byte[] two = new byte[2];
        int read = chip.readRegister(register, two, 0, 2);
        if (read != 2) {
            throw new IllegalStateException("register 0x" + Integer.toHexString(register) + " gave " + read
                    + " bytes, expected 2");
        }
        return ((two[0] & 0xFF) << 8) | (two[1] & 0xFF);
    }

    static int unsignedByte(I2C chip, int register) {
        return chip.readRegister(register) & 0xFF;
    }

    static void writeWord(I2C chip, int register, int value) {
        chip.writeRegister(register, new byte[] {(byte) (value >> 8), (byte) value}, 0, 2);
    }

    static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }
}
