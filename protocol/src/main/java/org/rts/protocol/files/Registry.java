package org.rts.protocol.files;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.rts.protocol.Ids;

/**
 * The device registry ({@code registry.json}): which device serves which station with which certificate. Written
 * by provisioning, read by the hub at start.
 */
public record Registry(String election, List<Entry> devices) {
    public enum Status {
        ACTIVE,
        REVOKED
    }

    /** One enrolled device; {@code certificate} is PEM text. */
    public record Entry(String device, String station, String certificate, Status status, Instant enrolledAt) {
        public Entry {
            Ids.require("device", device);
            Ids.require("station", station);
            if (certificate == null || !certificate.contains("BEGIN CERTIFICATE")) {
                throw new IllegalArgumentException("device '" + device + "' needs a PEM certificate");
            }
            status = status == null ? Status.ACTIVE : status;
        }
    }

    public Registry {
        Ids.require("election", election);
        devices = devices == null ? List.of() : List.copyOf(devices);
        var seen = new HashSet<String>();
        for (Entry e : devices) {
            if (!seen.add(e.device())) {
                throw new IllegalArgumentException("device '" + e.device() + "' is listed twice in the registry");
            }
        }
    }

    public Optional<Entry> device(String deviceId) {
        return devices.stream().filter(e -> e.device().equals(deviceId)).findFirst();
    }

    public Optional<Entry> activeForStation(String stationId) {
        return devices.stream().filter(e -> e.station().equals(stationId) && e.status() == Status.ACTIVE)
                .findFirst();
    }

    public Registry with(Entry entry) {
        List<Entry> list = new ArrayList<>(devices.stream().filter(e -> !e.device().equals(entry.device())).toList());
        list.add(entry);
        return new Registry(election, list);
    }
}
