package org.rts.protocol.files;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.rts.protocol.Ids;

/**
 * The device registry ({@code registry.json}): one entry per certificate ever issued to a device, so that a
 * re-assigned or revoked unit's old certificate stays known (and refused). Written by provisioning, read by the
 * hub, which reloads it when it changes.
 */
public record Registry(String election, List<Entry> devices) {
    public enum Status {
        ACTIVE,
        REVOKED,
        DECOMMISSIONED
    }

    /** One certificate issued to a device; {@code certificate} is PEM text. */
    public record Entry(String device, String station, String certificate, Status status, Instant enrolledAt,
                        Instant revokedAt) {
        public Entry {
            Ids.require("device", device);
            Ids.require("station", station);
            if (certificate == null || !certificate.contains("BEGIN CERTIFICATE")) {
                throw new IllegalArgumentException("device '" + device + "' needs a PEM certificate");
            }
            status = status == null ? Status.ACTIVE : status;
            if ((status == Status.ACTIVE) != (revokedAt == null)) {
                throw new IllegalArgumentException("device '" + device + "': revokedAt is set exactly when the"
                        + " certificate is not ACTIVE");
            }
        }

        public boolean active() {
            return status == Status.ACTIVE;
        }

        public Entry withdrawn(Status newStatus, Instant at) {
            return new Entry(device, station, certificate, newStatus, enrolledAt, at);
        }
    }

    public Registry {
        Ids.require("election", election);
        devices = devices == null ? List.of() : List.copyOf(devices);
        var active = new HashSet<String>();
        var certificates = new HashSet<String>();
        for (Entry e : devices) {
            if (e.active() && !active.add(e.device())) {
                throw new IllegalArgumentException("device '" + e.device() + "' has two active certificates");
            }
            if (!certificates.add(e.certificate())) {
                throw new IllegalArgumentException("a certificate of device '" + e.device() + "' is listed twice");
            }
        }
    }

    public Optional<Entry> active(String deviceId) {
        return devices.stream().filter(e -> e.device().equals(deviceId) && e.active()).findFirst();
    }

    public List<Entry> activeForStation(String stationId) {
        return devices.stream().filter(e -> e.station().equals(stationId) && e.active()).toList();
    }

    public boolean known(String deviceId) {
        return devices.stream().anyMatch(e -> e.device().equals(deviceId));
    }

    public Registry with(Entry entry) {
        List<Entry> list = new ArrayList<>(devices);
        list.add(entry);
        return new Registry(election, list);
    }

    /** Replaces the device's active entry by {@code change} applied to it. */
    public Registry changeActive(String deviceId, UnaryOperator<Entry> change) {
        List<Entry> list = new ArrayList<>();
        for (Entry e : devices) {
            list.add(e.device().equals(deviceId) && e.active() ? change.apply(e) : e);
        }
        return new Registry(election, list);
    }
}
