package org.rts.hub.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.rts.protocol.codec.Json;

/**
 * The room's live stream (server-sent events): a snapshot of units, open alerts, tally and the hub's own state now,
 * then every {@code every} while the session holds. The snapshot is made once per interval however many pages are
 * open, so that the store is read once, not once per operator.
 */
final class LiveEvents {
    private final Views views;
    private final Duration every;
    private byte[] lastEvent;
    private long lastEventAt;

    LiveEvents(Views views, Duration every) {
        this.views = views;
        this.every = every;
    }

    /** Streams snapshots to {@code x} while {@code open} holds (the session signed in, the server running). */
    void stream(HttpExchange x, BooleanSupplier open) throws IOException {
        x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        while (open.getAsBoolean()) {
            out.write(snapshot());
            out.flush();
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized byte[] snapshot() throws IOException {
        long now = System.nanoTime();
        if (lastEvent == null || now - lastEventAt >= every.toNanos() / 2) {
            Map<String, Object> snapshot = new HashMap<>();
            snapshot.put("units", views.units());
            snapshot.put("alerts", views.openAlerts());
            snapshot.put("tally", views.tally());
            snapshot.put("hub", views.hub());
            lastEvent = ("event: snapshot\ndata: " + Json.mapper().writeValueAsString(snapshot) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8);
            lastEventAt = now;
        }
        return lastEvent;
    }
}
