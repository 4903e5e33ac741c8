package org.rts.hub.units;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.rts.hub.registry.DeviceRegistry;
import org.rts.hub.registry.RegisteredDevice;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Presence;
import org.rts.protocol.message.Telemetry;

/**
 * Every registered unit's health as its signed telemetry and presence tell it: online, offline (a clean goodbye),
 * lost (its will: the connection died), or silent (nothing within {@code silentAfter}), with its latest telemetry.
 * A message is taken only when it is signed by the unit's certificate for its station; a will of an earlier session
 * is stale, a telemetry numbered at or below the last of its session a replay. An impossible figure (battery over
 * 100 %, a time far ahead) is kept and flagged. Thread-safe: one thread feeds it, any may read it.
 */
public final class UnitRegistry {
    /** Reports dated further ahead of the hub's clock than this are flagged. */
    static final Duration CLOCK_AHEAD = Duration.ofMinutes(10);

    public enum State {
        ONLINE,
        OFFLINE,
        LOST,
        SILENT
    }

    /** One unit as the operations room sees it. */
    /** {@code clockOffsetSeconds}: the latest telemetry's time minus the hub's when it arrived (null: none yet). */
    public record UnitStatus(String device, String station, State state, Instant lastSeen, long session,
                             Telemetry telemetry, Long clockOffsetSeconds, List<String> flags) {
    }

    /** How many units are in each state, every state named. */
    public static Map<String, Integer> countByState(List<UnitStatus> units) {
        Map<String, Integer> count = new java.util.LinkedHashMap<>();
        for (State s : State.values()) {
            count.put(s.name(), 0);
        }
        units.forEach(u -> count.merge(u.state().name(), 1, Integer::sum));
        return count;
    }

    /** What became of one message. */
    public record Outcome(boolean taken, String why) {
        static final Outcome TAKEN = new Outcome(true, "");

        static Outcome refused(String why) {
            return new Outcome(false, why);
        }
    }

    private static final class Unit {
        String station;
        State state = State.SILENT;
        Instant lastSeen;
        long session;
        long lastN;
        Telemetry telemetry;
        Long clockOffset;
        List<String> flags = List.of();
        final java.util.ArrayDeque<Instant> connects = new java.util.ArrayDeque<>();
    }

    private final String election;
    private final Supplier<DeviceRegistry> registry;
    private final Duration silentAfter;
    private final Map<String, Unit> units = new HashMap<>();

    public UnitRegistry(String election, Supplier<DeviceRegistry> registry, Duration silentAfter) {
        this.election = election;
        this.registry = registry;
        this.silentAfter = silentAfter;
    }

    /** Takes one message received on {@code topic} at {@code now}. */
    public synchronized Outcome accept(String topic, byte[] bytes, Instant now) {
        Topics.Address address = Topics.parse(topic).orElse(null);
        if (address == null || !address.election().equals(election)) {
            return Outcome.refused("not a unit topic of election " + election + ": " + topic);
        }
        Jws jws;
        try {
            jws = Jws.parse(bytes);
        } catch (RuntimeException e) {
            return Outcome.refused("malformed: " + e.getMessage());
        }
        RegisteredDevice device = registry.get().byThumbprint(jws.header().x5tS256()).orElse(null);
        if (device == null || !device.deviceId().equals(address.deviceId()) || !jws.header().kid().equals(
                address.deviceId())) {
            return Outcome.refused("not signed with the certificate of " + address.deviceId());
        }
        if (device.revoked()) {
            return Outcome.refused(address.deviceId() + " is revoked");
        }
        if (!Es256Verifier.verify(jws, device.publicKey())) {
            return Outcome.refused("signature does not verify with the certificate of " + address.deviceId());
        }
        try {
            return switch (address.kind()) {
                case Topics.PRESENCE -> presence(device, MessageCodec.decodePresence(jws.payload()), now);
                case Topics.TELEMETRY -> telemetry(device, MessageCodec.decodeTelemetry(jws.payload()), now);
                default -> Outcome.refused("not a health topic: " + topic);
            };
        } catch (RuntimeException e) {
            return Outcome.refused("malformed: " + e.getMessage());
        }
    }

    private Outcome presence(RegisteredDevice device, Presence p, Instant now) {
        Outcome binding = binding(device, p.device(), p.station(), p.election());
        if (!binding.taken()) {
            return binding;
        }
        Unit u = units.computeIfAbsent(device.deviceId(), k -> new Unit());
        if (p.session() < u.session) {
            return Outcome.refused("presence of session " + p.session() + " after session " + u.session
                    + ": stale");
        }
        if (p.session() > u.session) {
            u.lastN = 0;
        }
        u.session = p.session();
        u.station = p.station();
        if (p.state() == Presence.State.ONLINE) {
            u.connects.addLast(now);
            while (u.connects.size() > 50) {
                u.connects.removeFirst();
            }
        }
        u.state = switch (p.state()) {
            case ONLINE -> State.ONLINE;
            case OFFLINE -> State.OFFLINE;
            case LOST -> State.LOST;
        };
        u.lastSeen = now;
        return Outcome.TAKEN;
    }

    private Outcome telemetry(RegisteredDevice device, Telemetry t, Instant now) {
        Outcome binding = binding(device, t.device(), t.station(), t.election());
        if (!binding.taken()) {
            return binding;
        }
        Unit u = units.computeIfAbsent(device.deviceId(), k -> new Unit());
        if (t.session() < u.session || (t.session() == u.session && t.n() <= u.lastN)) {
            return Outcome.refused("telemetry " + t.session() + "/" + t.n() + " is not newer than "
                    + u.session + "/" + u.lastN + ": a replay");
        }
        u.session = t.session();
        u.lastN = t.n();
        u.station = t.station();
        u.state = State.ONLINE; // it speaks, so it is connected (its birth may have been missed)
        u.lastSeen = now;
        u.telemetry = t;
        u.clockOffset = Duration.between(now, t.at()).toSeconds();
        u.flags = flags(t, now);
        return Outcome.TAKEN;
    }

    private Outcome binding(RegisteredDevice device, String claimed, String station, String electionId) {
        if (!claimed.equals(device.deviceId()) || !station.equals(device.stationId()) || !electionId.equals(election)) {
            return Outcome.refused("message of " + claimed + " for station " + station + " in " + electionId
                    + ", certificate of " + device.deviceId() + " for station " + device.stationId());
        }
        return Outcome.TAKEN;
    }

    static List<String> flags(Telemetry t, Instant now) {
        List<String> flags = new ArrayList<>();
        if (t.battery() != null && (t.battery() < 0 || t.battery() > 100)) {
            flags.add("battery " + t.battery() + " % is impossible");
        }
        if (t.volts() != null && (t.volts() < 0 || t.volts() > 30)) {
            flags.add("battery " + t.volts() + " V is impossible");
        }
        if (t.at().isAfter(now.plus(CLOCK_AHEAD))) {
            flags.add("dated " + t.at() + ", ahead of the hub's clock by "
                    + Duration.between(now, t.at()).toMinutes() + " min");
        }
        if (t.pending() > 0 && t.oldestPendingSeconds() != null && t.oldestPendingSeconds() < 0) {
            flags.add("oldest pending age " + t.oldestPendingSeconds() + " s is impossible");
        }
        return List.copyOf(flags);
    }

    /** Every unit that has spoken, by device id; one heard from longer ago than the timeout is silent. */
    public synchronized List<UnitStatus> statuses(Instant now) {
        List<UnitStatus> list = new ArrayList<>();
        for (var e : units.entrySet()) {
            Unit u = e.getValue();
            State state = u.state == State.ONLINE && u.lastSeen != null
                    && Duration.between(u.lastSeen, now).compareTo(silentAfter) > 0 ? State.SILENT : u.state;
            list.add(new UnitStatus(e.getKey(), u.station, state, u.lastSeen, u.session, u.telemetry, u.clockOffset,
                    u.flags));
        }
        list.sort(Comparator.comparing(UnitStatus::device));
        return list;
    }

    /** How often {@code device} connected within {@code window} before {@code now}: a flapping unit connects often. */
    public synchronized int connectsWithin(String device, Duration window, Instant now) {
        Unit u = units.get(device);
        if (u == null) {
            return 0;
        }
        Instant from = now.minus(window);
        return (int) u.connects.stream().filter(t -> !t.isBefore(from)).count();
    }

    /** Takes back what the store kept, at start. */
    public synchronized void restore(UnitStatus status) {
        Unit u = units.computeIfAbsent(status.device(), k -> new Unit());
        u.station = status.station();
        u.state = status.state() == State.SILENT ? State.ONLINE : status.state();
        u.lastSeen = status.lastSeen();
        u.session = status.session();
        u.telemetry = status.telemetry();
        u.clockOffset = status.clockOffsetSeconds();
        u.lastN = status.telemetry() == null || status.telemetry().session() != status.session() ? 0
                : status.telemetry().n();
        u.flags = status.flags();
    }
}
