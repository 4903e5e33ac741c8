package org.rts.protocol.election;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * The stations of a ballot definition, unmodifiable, in their order, with a lookup by id: a national election has
 * tens of thousands of stations and every report names one.
 */
final class StationList extends AbstractList<Station> implements RandomAccess {
    private final List<Station> stations;
    private final Map<String, Station> byId;

    private StationList(List<Station> stations) {
        this.stations = List.copyOf(stations);
        this.byId = new HashMap<>(stations.size() * 2);
        for (Station s : this.stations) {
            if (byId.put(s.id(), s) != null) {
                throw new IllegalArgumentException("station '" + s.id() + "' is defined twice");
            }
        }
    }

    static StationList of(List<Station> stations) {
        return stations instanceof StationList list ? list : new StationList(stations);
    }

    Optional<Station> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Station get(int index) {
        return stations.get(index);
    }

    @Override
    public int size() {
        return stations.size();
    }
}
