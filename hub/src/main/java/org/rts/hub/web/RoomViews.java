package org.rts.hub.web;

import java.time.Clock;
import java.util.List;
import org.rts.hub.audit.HandAudit;
import org.rts.hub.check.ObserverPage;
import org.rts.hub.history.DayHistory;
import org.rts.hub.store.HistoryStore;
import org.rts.hub.store.PhotoStore;
import org.rts.hub.store.ResultStore;
import org.rts.hub.tally.LiveTally;
import org.rts.hub.units.AlertDesk;
import org.rts.hub.units.Maintenance;
import org.rts.hub.units.Alerts;
import org.rts.hub.units.Readiness;
import org.rts.hub.units.ReadinessPdf;
import org.rts.hub.units.UnitMonitor;
import org.rts.hub.units.UnitRegistry;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.pki.Pem;

/** What the operations room shows, read when asked: the units and alerts as held now, the tally from the store. */
public final class RoomViews implements Views {
    private static final int HISTORY = 500;
    /** How often the day's figures are noted for the charts. */
    public static final java.time.Duration DAY_EVERY = DayHistory.EVERY;

    private final Election election;
    private final ElectionFiles files;
    private final UnitMonitor units;
    private final ResultStore results;
    private final PhotoStore photos;
    private final HandAudit audit;
    private final HistoryStore history;
    private final DayHistory day;
    private volatile org.rts.hub.relay.Relay relay;
    private final Clock clock;
    private final java.util.function.Supplier<org.rts.hub.health.HealthReport> hub;
    private final java.util.Map<String, String> checkPages = new java.util.HashMap<>();
    private java.nio.file.attribute.FileTime checkPagesOf;
    private Registry registry;
    private java.nio.file.attribute.FileTime registryOf;

    /**
     * {@code results} is a connection of the room's own: reading the tally never waits on the intake; {@code hub}
     * gives the hub's last health report.
     */
    public RoomViews(Election election, ElectionFiles files, UnitMonitor units, ResultStore results, PhotoStore photos,
                     HandAudit audit, HistoryStore history,
                     java.util.function.Supplier<org.rts.hub.health.HealthReport> hub, Clock clock) {
        this.photos = photos;
        this.history = history;
        this.day = new DayHistory(election, history, this::unitsByState, this::tally, files.dir(), clock);
        this.audit = audit;
        this.hub = hub;
        this.election = election;
        this.files = files;
        this.units = units;
        this.results = results;
        this.clock = clock;
    }

    @Override
    public Object hub() {
        return hub.get();
    }

    @Override
    public List<UnitRegistry.UnitStatus> units() {
        return units.units();
    }

    @Override
    public List<AlertDesk.Handled> openAlerts() {
        return units.desk().handled(units.openAlerts());
    }

    @Override
    public List<AlertDesk.Handled> alertHistory() {
        return units.desk().handled(units.alertHistory(HISTORY));
    }

    @Override
    public AlertDesk.Handled act(String rule, String subject, String opened, String user, String action,
                                 String detail) {
        AlertDesk.Action what;
        try {
            what = AlertDesk.Action.valueOf(String.valueOf(action).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new org.rts.hub.HubException("unknown action '" + action + "': ack, assign or note");
        }
        List<Alerts.Alert> all = new java.util.ArrayList<>(units.openAlerts());
        all.addAll(units.alertHistory(Integer.MAX_VALUE));
        return all.stream().filter(a -> a.rule().name().equals(rule) && a.subject().equals(subject)
                && a.opened().toString().equals(opened)).findFirst()
                .map(a -> units.desk().act(a, user, what, detail, clock.instant())).orElse(null);
    }

    @Override
    public LiveTally.Picture tally() {
        return LiveTally.compute(election, results).withUnderAudit(audit.raised().stream()
                .map(Alerts.Raised::subject).toList());
    }

    /** Made again when the registry file changes (a unit enrolled or revoked), else served as made. */
    @Override
    public synchronized String checkPage(String constituency) {
        try {
            java.nio.file.attribute.FileTime changed = java.nio.file.Files.getLastModifiedTime(files.registry());
            if (!changed.equals(checkPagesOf)) {
                checkPages.clear();
                checkPagesOf = changed;
            }
            if (constituency != null && election.constituency(constituency).isEmpty()
                    && !(constituency.equals(ObserverPage.NO_CONSTITUENCY)
                    && ObserverPage.hasStationsWithoutConstituency(election))) {
                return null;
            }
            return checkPages.computeIfAbsent(constituency == null ? "" : constituency, key -> {
                if (key.isEmpty() && !election.constituencies().isEmpty()) {
                    return ObserverPage.index(election);
                }
                return ObserverPage.html(election, key.isEmpty() ? null : key,
                        Pem.readCertificate(files.caCertificate()), registry(), null);
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the registry " + files.registry(), e);
        }
    }

    /**
     * A station's result for one race as the room shows it: the signed figures, the state of its photo, and the
     * way it came ({@code path}).
     */
    public record StationRace(String race, String device, int registered, int received, int inBox, int invalid,
                              List<Integer> votes, String photo, Long photoBytes, String photoState, String path) {
    }

    @Override
    public List<StationRace> station(String station) {
        return photos.ofStation(election.id(), station).stream().map(r -> {
            var report = r.report();
            var photo = report.photo();
            String state = photo == null ? "none" : !photo.taken() ? "skipped" : r.photoKept() ? "arrived" : "awaited";
            return new StationRace(report.race(), report.device(), report.registered(), report.received(),
                    report.inBox(), report.invalid(), report.votes(), photo == null ? null : photo.sha256(),
                    photo == null ? null : photo.bytes(), state, r.path());
        }).toList();
    }

    @Override
    public byte[] photo(String sha256) {
        return photos.photo(sha256).orElse(null);
    }

    @Override
    public HandAudit audit() {
        return audit;
    }

    /** Every active unit's readiness, those not ready first, with what to do. */
    @Override
    public List<Readiness.Line> readiness() {
        return Readiness.report(election, registry(), units(), null, new Readiness.Facts(Readiness.issuedConfigs(files),
                units.batteries(), drillTransmissions()), clock.instant());
    }

    /** In a drill, the units whose test transmission was accepted; null in a live election. */
    private java.util.Set<String> drillTransmissions() {
        return election.mode() == org.rts.protocol.message.Mode.DRILL ? results.devicesReported(election.id()) : null;
    }

    /** The signed registry, read and checked again only when its file changes (a unit enrolled or revoked). */
    private synchronized Registry registry() {
        try {
            java.nio.file.attribute.FileTime changed = java.nio.file.Files.getLastModifiedTime(files.registry());
            if (!changed.equals(registryOf)) {
                registry = Registry.readSigned(files.registry(), Pem.readCertificate(files.caCertificate()));
                registryOf = changed;
            }
            return registry;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the registry " + files.registry(), e);
        }
    }

    /** A station without an accepted result for every race of its ballot, and when its unit was last heard. */
    public record Missing(String region, String station, String device, java.time.Instant lastSeen) {
    }

    @Override
    public List<Missing> missing() {
        java.util.Set<String> reported = UnitMonitor.stationsReported(election, results.results(election.id()));
        java.util.Map<String, String> deviceOf = new java.util.HashMap<>();
        registry().devices().stream().filter(Registry.Entry::active).forEach(e -> deviceOf.putIfAbsent(e.station(),
                e.device()));
        java.util.Map<String, java.time.Instant> seen = new java.util.HashMap<>();
        units().forEach(u -> seen.put(u.device(), u.lastSeen()));
        return election.stations().stream().filter(s -> !reported.contains(s.id())).map(s -> new Missing(s.region(),
                s.id(), deviceOf.get(s.id()), seen.get(deviceOf.get(s.id())))).sorted(java.util.Comparator
                .comparing(Missing::region).thenComparing(Missing::station)).toList();
    }

    /** Relays what observers' phones send to {@code admission}, which takes a message as the broker's are taken. */
    public void relayTo(java.util.function.Predicate<org.rts.hub.admission.Delivery> admission) {
        relay = new org.rts.hub.relay.Relay(election.id(), org.rts.protocol.pki.Certificates.publicKey(
                Pem.readCertificate(files.hubCertificate())), admission, org.rts.hub.relay.Relay.Limits.DEFAULT, clock);
    }

    @Override
    public byte[] stick(List<org.rts.hub.stick.StickUpload.File> files) throws java.io.IOException {
        org.rts.hub.relay.Relay r = relay;
        return r == null ? null : org.rts.hub.stick.StickUpload.receipts(election.id(), files, r::decide);
    }

    @Override
    public org.rts.hub.relay.Relay.Answer relay(String code, String address) {
        org.rts.hub.relay.Relay r = relay;
        return r == null ? null : r.take(code, address);
    }

    /** Notes the day's figures for the charts (on the hub's scheduler). */
    public void sampleDay() {
        day.sample();
    }

    private java.util.Map<String, Long> unitsByState() {
        java.util.Map<String, Long> count = new java.util.TreeMap<>();
        for (UnitRegistry.State s : UnitRegistry.State.values()) {
            count.put(s.name(), 0L);
        }
        units().forEach(u -> count.merge(u.state().name(), 1L, Long::sum));
        return count;
    }

    @Override
    public DayHistory.Day day(int hours) {
        return day.since(clock.instant().minus(java.time.Duration.ofHours(Math.max(1, Math.min(hours, 24 * 14)))));
    }

    /** One unit's telemetry through the days, oldest first, and its battery's maintenance line. */
    public record UnitHistory(List<HistoryStore.Point> points, Maintenance.Unit maintenance) {
    }

    @Override
    public UnitHistory unitHistory(String device) {
        var line = registry().devices().stream().filter(e -> e.active() && e.device().equals(device)).findFirst()
                .map(e -> Maintenance.line(election, e, units.batteries(), drillTransmissions(), clock.instant()))
                .orElse(null);
        return new UnitHistory(history.points(device, clock.instant().minus(DayHistory.KEEP_UNITS)), line);
    }

    @Override
    public List<Maintenance.Unit> maintenance() {
        return Maintenance.schedule(election, registry(), units.batteries(), drillTransmissions(), clock.instant());
    }

    @Override
    public String readinessCsv() {
        return Readiness.csv(readiness());
    }

    @Override
    public byte[] readinessPdf() throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ReadinessPdf.write(electionName(), readiness(), clock.instant(), out);
        return out.toByteArray();
    }

    /** The election as a report names it: its name and id. */
    public String electionName() {
        return election.name() + " (" + election.id() + ")";
    }
}
