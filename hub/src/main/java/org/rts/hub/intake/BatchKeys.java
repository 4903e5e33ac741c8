package org.rts.hub.intake;

import java.util.Set;
import java.util.TreeSet;

/**
 * What a batch of messages touches: the devices' chains, the stations' figures, the hashes that may be resends, and
 * the receipt log it appends to (null: none).
 */
public record BatchKeys(Set<String> devices, Set<String> stations, Set<String> hashes, String log) {
    public BatchKeys {
        devices = new TreeSet<>(devices);
        stations = new TreeSet<>(stations);
        hashes = new TreeSet<>(hashes);
    }

    /** A batch that logs no receipt. */
    public BatchKeys(Set<String> devices, Set<String> stations, Set<String> hashes) {
        this(devices, stations, hashes, null);
    }
}
