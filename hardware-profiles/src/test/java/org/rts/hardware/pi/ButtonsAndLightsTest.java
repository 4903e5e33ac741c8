package org.rts.hardware.pi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rts.hardware.Button;
import org.rts.hardware.Indicator;

/** Debounced buttons, LEDs, buzzer and the case switch on mock GPIO. */
class ButtonsAndLightsTest {
    private final Context pi4j = MockBoard.context();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void shutdown() {
        scheduler.shutdownNow();
        pi4j.shutdown();
    }

    private MockDigitalInput input(int pin) {
        return (MockDigitalInput) pi4j.create(DigitalInput.newConfigBuilder(pi4j).id("in-" + pin).address(pin)
                .pull(PullResistance.PULL_UP).build());
    }

    @Test
    void the_debouncer_takes_a_press_only_after_the_contact_settles_and_a_held_button_once() {
        Debouncer d = new Debouncer(4);
        assertFalse(d.sample(false), "the first sample sets the level");
        boolean[] bounce = {true, false, true, false, true, true, true, true};
        int presses = 0;
        for (boolean down : bounce) {
            presses += d.sample(down) ? 1 : 0;
        }
        assertEquals(1, presses, "bounce then settled: one press");
        for (int i = 0; i < 1000; i++) {
            presses += d.sample(true) ? 1 : 0;
        }
        assertEquals(1, presses, "held for 5 s: still one press");
        for (int i = 0; i < 3; i++) {
            assertFalse(d.sample(false), "a release shorter than the window is a glitch");
        }
        assertFalse(d.sample(true));
        for (int i = 0; i < 4; i++) {
            d.sample(false);
        }
        boolean again = false;
        for (int i = 0; i < 4; i++) {
            again |= d.sample(true);
        }
        assertTrue(again, "released, then pressed again: a second press");
    }

    @Test
    void a_button_already_down_when_the_unit_starts_is_not_a_press() {
        Debouncer d = new Debouncer(4);
        for (int i = 0; i < 100; i++) {
            assertFalse(d.sample(true));
        }
    }

    @Test
    void gpio_buttons_read_low_as_pressed_and_report_each_press_once() {
        MockDigitalInput transmit = input(17);
        MockDigitalInput cancel = input(22);
        transmit.mockState(DigitalState.HIGH);
        cancel.mockState(DigitalState.HIGH);
        GpioButtons buttons = new GpioButtons(Map.of(Button.TRANSMIT, transmit, Button.CANCEL, cancel));
        List<Button> pressed = new ArrayList<>();
        buttons.listen(pressed::add);
        for (int i = 0; i < 10; i++) {
            buttons.sample();
        }
        transmit.mockState(DigitalState.LOW);
        cancel.mockState(DigitalState.LOW);
        buttons.sample();
        cancel.mockState(DigitalState.HIGH); // a 5 ms glitch on cancel
        for (int i = 0; i < 20; i++) {
            buttons.sample();
        }
        assertEquals(List.of(Button.TRANSMIT), pressed);
        buttons.close();
    }

    @Test
    void leds_buzzer_and_tamper() throws Exception {
        DigitalOutput pending = pi4j.create(DigitalOutput.newConfigBuilder(pi4j).id("pending").address(19).build());
        DigitalOutput buzzer = pi4j.create(DigitalOutput.newConfigBuilder(pi4j).id("buzzer").address(18).build());
        GpioIndicators lights = new GpioIndicators(Map.of(Indicator.PENDING, pending), buzzer, scheduler);
        lights.set(Indicator.PENDING, true);
        lights.set(Indicator.ERROR, true); // not wired on this board: ignored
        assertTrue(pending.isHigh());
        lights.beep(1_000);
        assertTrue(buzzer.isHigh());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (buzzer.isHigh() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(buzzer.isLow(), "the buzzer stops by itself");
        lights.close();
        assertTrue(pending.isLow(), "lights off when the agent stops");
        MockDigitalInput tamperPin = input(21);
        GpioTamper tamper = new GpioTamper(tamperPin);
        tamperPin.mockState(DigitalState.LOW);
        assertFalse(tamper.open());
        tamperPin.mockState(DigitalState.HIGH);
        assertTrue(tamper.open());
    }
}
