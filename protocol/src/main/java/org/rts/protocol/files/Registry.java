package org.rts.protocol.files;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.rts.protocol.Ids;

/**
 * The device registry ({@code registry.json}, signed by the election authority in {@code registry.json.sig}): one
 * entry per certificate ever issued to a device, so that a re-assigned or revoked unit's old certificate stays known
 * (and refused). {@code version} grows by one with every change, so a reader can refuse an older copy. Written by
 * provisioning, read by the hub, which reloads it when it changes.
 */
public record Registry(String election, long version, Instant issuedAt, List<Entry> devices) {
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
        if (version < 0) {
            throw new IllegalArgumentException("registry version must be >= 0, found: " + version);
        }
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

    /** Reads the registry after checking the election authority's signature ({@code registry.json.sig}). */
    public static Registry readSigned(java.nio.file.Path file, org.bouncycastle.cert.X509CertificateHolder ca) {
        return org.rts.protocol.codec.JsonFiles.parse(file, SignedFile.readVerified(file, ca), Registry.class,
                "device registry");
    }

    /** An empty registry for a new election, version 0 (the first save makes it 1). */
    public static Registry empty(String election) {
        return new Registry(election, 0, null, List.of());
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
        return withAll(List.of(entry));
    }

    /** This registry with {@code entries} added after its own (a batch of enrolments, in one copy). */
    public Registry withAll(List<Entry> entries) {
        List<Entry> list = new ArrayList<>(devices.size() + entries.size());
        list.addAll(devices);
        list.addAll(entries);
        return new Registry(election, version, issuedAt, list);
    }

    /** Replaces the device's active entry by {@code change} applied to it. */
    public Registry changeActive(String deviceId, UnaryOperator<Entry> change) {
        List<Entry> list = new ArrayList<>();
        for (Entry e : devices) {
            list.add(e.device().equals(deviceId) && e.active() ? change.apply(e) : e);
        }
        return new Registry(election, version, issuedAt, list);
    }

    /** Replaces the device's most recent entry (active or not) by {@code change} applied to it. */
    public Registry changeLatest(String deviceId, UnaryOperator<Entry> change) {
        int latest = -1;
        for (int i = 0; i < devices.size(); i++) {
            if (devices.get(i).device().equals(deviceId)) {
                latest = i;
            }
        }
        List<Entry> list = new ArrayList<>(devices);
        if (latest >= 0) {
            list.set(latest, change.apply(list.get(latest)));
        }
        return new Registry(election, version, issuedAt, list);
    }

    /** This registry as the next version, issued at {@code at}. */
    public Registry next(Instant at) {
        return new Registry(election, version + 1, at, devices);
    }
}
