package org.rts.hub.intake;

import java.util.Set;
import java.util.TreeSet;

/** What a batch of messages touches: the devices' chains, the stations' figures, the hashes that may be resends. */
public record BatchKeys(Set<String> devices, Set<String> stations, Set<String> hashes) {
    public BatchKeys {
        devices = new TreeSet<>(devices);
        stations = new TreeSet<>(stations);
        hashes = new TreeSet<>(hashes);
    }
}
