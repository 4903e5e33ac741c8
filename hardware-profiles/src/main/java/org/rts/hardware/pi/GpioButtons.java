package org.rts.hardware.pi;

import com.pi4j.io.gpio.digital.DigitalInput;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.rts.hardware.Button;
import org.rts.hardware.Buttons;

/**
 * Push buttons on GPIO inputs, wired to ground with the pull-up on (pressed reads low), sampled every
 * {@link #SAMPLE_MILLIS} ms and debounced here ({@link Debouncer}, {@link #SAMPLES} samples), not by the kernel.
 */
public final class GpioButtons implements Buttons {
    static final int SAMPLE_MILLIS = 5;
    static final int SAMPLES = 4;

    private final Map<Button, DigitalInput> inputs;
    private final Map<Button, Debouncer> debouncers = new LinkedHashMap<>();
    private volatile Listener listener = button -> { };
    private ScheduledFuture<?> sampling;

    public GpioButtons(Map<Button, DigitalInput> inputs) {
        this.inputs = Map.copyOf(inputs);
        inputs.keySet().forEach(b -> debouncers.put(b, new Debouncer(SAMPLES)));
    }

    /** Starts sampling on {@code scheduler}. */
    public GpioButtons start(ScheduledExecutorService scheduler) {
        sampling = scheduler.scheduleAtFixedRate(this::sample, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void listen(Listener listener) {
        this.listener = listener;
    }

    /** One sample of every button; a completed press goes to the listener. */
    synchronized void sample() {
        for (var e : debouncers.entrySet()) {
            if (e.getValue().sample(inputs.get(e.getKey()).isLow())) {
                listener.pressed(e.getKey());
            }
        }
    }

    @Override
    public void close() {
        if (sampling != null) {
            sampling.cancel(false);
        }
        listener = button -> { };
    }
}
