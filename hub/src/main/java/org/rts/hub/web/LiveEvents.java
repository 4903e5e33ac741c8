package org.rts.hub.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.rts.hub.tally.LiveTally;
import org.rts.hub.units.UnitRegistry;
import org.rts.protocol.codec.Json;

/**
 * The room's live stream (server-sent events): a snapshot of units, open alerts, tally and the hub's own state now,
 * then every {@code every} while the session holds. The figures are read once per interval however many pages are
 * open, so that the store is read once, not once per operator. A page gets every unit once; after that only the
 * units that changed since it was last sent ({@code changed}) and those gone ({@code gone}): a national fleet's
 * tens of thousands of units are not sent again every interval.
 */
final class LiveEvents {
    private final Views views;
    private final Duration every;
    private Frame frame;

    /**
     * One interval's figures: each unit's JSON by device, and the rest of the snapshot's fields as JSON, whole for a
     * page's first event and without the tally's per-station list after it (a page keeps the stations' regions).
     */
    private record Frame(long at, Map<String, String> units, String rest, String restAfter) {
    }

    LiveEvents(Views views, Duration every) {
        this.views = views;
        this.every = every;
    }

    /** Streams snapshots to {@code x} while {@code open} holds (the session signed in, the server running). */
    void stream(HttpExchange x, BooleanSupplier open) throws IOException {
        x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        Map<String, String> sent = null;
        while (open.getAsBoolean()) {
            Frame f = frame();
            out.write(event(f, sent));
            out.flush();
            sent = f.units();
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Every unit when {@code sent} is null, else what changed since {@code sent}; then the rest of the figures. */
    static byte[] event(Frame f, Map<String, String> sent) {
        StringBuilder json = new StringBuilder("{");
        if (sent == null) {
            json.append("\"units\":[").append(String.join(",", f.units().values())).append("],");
        } else {
            List<String> changed = new ArrayList<>();
            f.units().forEach((device, unit) -> {
                if (!unit.equals(sent.get(device))) {
                    changed.add(unit);
                }
            });
            List<String> gone = new ArrayList<>();
            sent.keySet().stream().filter(d -> !f.units().containsKey(d)).forEach(d -> gone.add(quoted(d)));
            json.append("\"changed\":[").append(String.join(",", changed)).append("],\"gone\":[")
                    .append(String.join(",", gone)).append("],");
        }
        json.append(sent == null ? f.rest() : f.restAfter()).append('}');
        return ("event: snapshot\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private synchronized Frame frame() throws IOException {
        long now = System.nanoTime();
        if (frame == null || now - frame.at() >= every.toNanos() / 2) {
            Map<String, String> units = new LinkedHashMap<>();
            for (UnitRegistry.UnitStatus u : views.units()) {
                units.put(u.device(), Json.mapper().writeValueAsString(u));
            }
            Map<String, Object> rest = new HashMap<>();
            rest.put("alerts", views.openAlerts());
            LiveTally.Picture tally = views.tally();
            rest.put("tally", tally);
            rest.put("hub", views.hub());
            String all = Json.mapper().writeValueAsString(rest);
            rest.put("tally", tally == null ? null : new LiveTally.Picture(tally.election(), tally.nation(),
                    tally.regions(), tally.constituencies(), List.of(), tally.underAudit()));
            String after = Json.mapper().writeValueAsString(rest);
            frame = new Frame(now, units, all.substring(1, all.length() - 1), after.substring(1, after.length() - 1));
        }
        return frame;
    }

    private static String quoted(String text) {
        try {
            return Json.mapper().writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
