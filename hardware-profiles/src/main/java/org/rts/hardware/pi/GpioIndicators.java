package org.rts.hardware.pi;

import com.pi4j.io.gpio.digital.DigitalOutput;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.rts.hardware.Indicator;
import org.rts.hardware.Indicators;

/** LEDs and a buzzer on GPIO outputs (high: on). An indicator the profile does not wire is ignored. */
public final class GpioIndicators implements Indicators {
    private final Map<Indicator, DigitalOutput> leds;
    private final DigitalOutput buzzer;
    private final ScheduledExecutorService scheduler;

    /** {@code buzzer} may be null. */
    public GpioIndicators(Map<Indicator, DigitalOutput> leds, DigitalOutput buzzer, ScheduledExecutorService scheduler) {
        this.leds = Map.copyOf(leds);
        this.buzzer = buzzer;
        this.scheduler = scheduler;
    }

    @Override
    public void set(Indicator indicator, boolean on) {
        DigitalOutput led = leds.get(indicator);
        if (led != null) {
            led.state(on ? com.pi4j.io.gpio.digital.DigitalState.HIGH : com.pi4j.io.gpio.digital.DigitalState.LOW);
        }
    }

    @Override
    public void beep(int millis) {
        if (buzzer != null) {
            buzzer.high();
            scheduler.schedule(buzzer::low, millis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        leds.values().forEach(DigitalOutput::low);
        if (buzzer != null) {
            buzzer.low();
        }
    }
}
