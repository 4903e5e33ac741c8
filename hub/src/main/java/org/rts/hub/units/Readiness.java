package org.rts.hub.units;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.DeviceConfig;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.pki.Pem;

/**
 * Before polling day: is every unit ready? A unit is ready when it was heard from within {@link #RECENT}, its
 * battery is charged (at least {@link #CHARGED} %, or on mains), it runs the expected software, its certificate is
 * valid until well after the polls close, its clock is synchronised and its case is shut; where its battery log
 * is known, it reached full charge within {@link #FULL_WITHIN}; in a drill, its test transmission was accepted.
 * One line per active unit of the registry, the reasons when it is not ready.
 */
public final class Readiness {
    static final Duration RECENT = Duration.ofHours(24);
    static final double CHARGED = 80;
    /** The certificate must stay valid this long after the close (a late count, a recount). */
    static final Duration AFTER_CLOSE = Duration.ofDays(7);
    /** A battery not charged to full for this long may no longer hold a charge: charge it, watch it. */
    static final Duration FULL_WITHIN = Duration.ofDays(7);

    private Readiness() {
    }

    /**
     * One unit's readiness: {@code why} it is not ready, and for each reason {@code todo}, what to do;
     * {@code lastFull} from its battery log (null: never, or no log); {@code testSent} in a drill whether its test
     * transmission was accepted (null: not a drill).
     */
    public record Line(String device, String station, String region, Instant lastSeen, Double battery,
                       Boolean mains, String software, String config, Instant certificateExpires, Instant lastFull,
                       Boolean testSent, boolean ready, List<String> why, List<String> todo) {
    }

    /**
     * What the hub knows of the units beyond their latest telemetry: {@code expectedConfig} the version of the
     * configuration provisioning issued to a unit (null where the hub does not hold it), each unit's battery log,
     * and in a drill the units with an accepted report ({@code transmitted} null: not a drill).
     */
    public record Facts(Function<String, String> expectedConfig, Map<String, BatteryLog> batteries,
                        java.util.Set<String> transmitted) {
        public static final Facts NONE = new Facts(device -> null, Map.of(), null);
    }

    public static List<Line> report(Election election, Registry registry, List<UnitRegistry.UnitStatus> units,
                                    String expectedSoftware, Instant now) {
        return report(election, registry, units, expectedSoftware, Facts.NONE, now);
    }

    public static List<Line> report(Election election, Registry registry, List<UnitRegistry.UnitStatus> units,
                                    String expectedSoftware, Function<String, String> expectedConfig, Instant now) {
        return report(election, registry, units, expectedSoftware, new Facts(expectedConfig, Map.of(), null), now);
    }

    /**
     * The readiness of every active unit of {@code registry}, the units not ready first, then by region, station
     * and unit.
     */
    public static List<Line> report(Election election, Registry registry, List<UnitRegistry.UnitStatus> units,
                                    String expectedSoftware, Facts facts, Instant now) {
        Map<String, UnitRegistry.UnitStatus> byDevice = new HashMap<>();
        units.forEach(u -> byDevice.put(u.device(), u));
        Instant mustLast = election.polling().closes() != null ? election.polling().closes().plus(AFTER_CLOSE)
                : now.plus(AFTER_CLOSE);
        List<Line> lines = new ArrayList<>();
        for (Registry.Entry e : registry.devices()) {
            if (!e.active()) {
                continue;
            }
            X509CertificateHolder cert = Pem.parseCertificate(e.certificate());
            Instant expires = cert.getNotAfter().toInstant();
            UnitRegistry.UnitStatus u = byDevice.get(e.device());
            var t = u == null ? null : u.telemetry();
            List<String> why = new ArrayList<>();
            if (u == null || u.lastSeen() == null) {
                why.add("never heard from");
            } else if (Duration.between(u.lastSeen(), now).compareTo(RECENT) > 0) {
                why.add("not heard from for " + Duration.between(u.lastSeen(), now).toHours() + " h");
            }
            if (t != null) {
                if ((t.battery() == null || t.battery() < CHARGED) && !Boolean.TRUE.equals(t.mains())) {
                    why.add(t.battery() == null ? "battery unknown" : "battery " + Math.round(t.battery()) + " %");
                }
                if (expectedSoftware != null && !expectedSoftware.equals(t.software())) {
                    why.add("software " + t.software() + ", expected " + expectedSoftware);
                }
                if (Boolean.FALSE.equals(t.clockSynced())) {
                    why.add("clock not synchronised");
                }
                if (t.tamper()) {
                    why.add("case open");
                }
                String config = facts.expectedConfig().apply(e.device());
                if (config != null && !config.equals(t.config())) {
                    why.add("configuration " + t.config() + ", issued " + config);
                }
            } else if (u != null) {
                why.add("no telemetry yet");
            }
            if (expires.isBefore(mustLast)) {
                why.add("certificate expires " + expires);
            }
            BatteryLog battery = facts.batteries().get(e.device());
            Instant lastFull = battery == null ? null : battery.lastFull();
            if (battery != null && battery.at() != null && (lastFull == null
                    || Duration.between(lastFull, now).compareTo(FULL_WITHIN) > 0)) {
                why.add("battery not full in the last " + FULL_WITHIN.toDays() + " days");
            }
            Boolean testSent = facts.transmitted() == null ? null : facts.transmitted().contains(e.device());
            if (Boolean.FALSE.equals(testSent)) {
                why.add("no test transmission received in the drill");
            }
            String region = election.station(e.station()).map(Station::region).orElse("");
            lines.add(new Line(e.device(), e.station(), region, u == null ? null : u.lastSeen(),
                    t == null ? null : t.battery(), t == null ? null : t.mains(), t == null ? null : t.software(),
                    t == null ? null : t.config(), expires, lastFull, testSent, why.isEmpty(), List.copyOf(why),
                    why.stream().map(Readiness::todo).distinct().toList()));
        }
        lines.sort(Comparator.comparing(Line::ready).thenComparing(Line::region).thenComparing(Line::station)
                .thenComparing(Line::device));
        return lines;
    }

    /** What a hub's store and election folder tell of the units, for the report made apart from a running hub. */
    public static Facts facts(ElectionFiles files, Election election, org.rts.hub.store.HistoryStore history,
                              org.rts.hub.store.ResultStore results) {
        Map<String, BatteryLog> batteries = new HashMap<>();
        history.batteries().forEach((device, json) -> batteries.put(device, BatteryLog.parse(json)));
        return new Facts(issuedConfigs(files), batteries, election.mode() == org.rts.protocol.message.Mode.DRILL
                ? results.devicesReported(election.id()) : null);
    }

    /**
     * The version of the configuration provisioning issued to each unit, from the unit bundles in the election
     * folder (null for a unit whose bundle is not there: not checked).
     */
    public static Function<String, String> issuedConfigs(ElectionFiles files) {
        return device -> {
            try {
                java.nio.file.Path config = files.bundle(device).config();
                return java.nio.file.Files.exists(config) ? DeviceConfig.version(java.nio.file.Files.readAllBytes(
                        config)) : null;
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        };
    }

    /** What the technician does about one reason a unit is not ready. */
    static String todo(String why) {
        if (why.startsWith("never heard") || why.startsWith("not heard") || why.startsWith("no telemetry")) {
            return "switch the unit on where it has coverage and let it report; check its bundle is imported";
        }
        if (why.startsWith("battery not full")) {
            return "charge the unit to full on mains; if it no longer reaches full, replace its battery";
        }
        if (why.startsWith("no test transmission")) {
            return "have the officer send the drill's test result from the unit; check its coverage and bundle";
        }
        if (why.startsWith("battery")) {
            return "charge the unit to full before polling day; replace a battery that no longer charges";
        }
        if (why.startsWith("software")) {
            return "install the expected agent version (the .deb of the release)";
        }
        if (why.startsWith("clock")) {
            return "give the unit network time (NTP) or set its clock";
        }
        if (why.startsWith("case open")) {
            return "inspect the unit and its seals; report it if a seal is broken";
        }
        if (why.startsWith("configuration")) {
            return "import the bundle provisioning issued again ('device-agent import')";
        }
        return "enrol the unit again: its certificate must stay valid past the polls";
    }

    /** The report as CSV (RFC 4180), one header line then one line per unit. */
    public static String csv(List<Line> lines) {
        StringBuilder sb = new StringBuilder("device,station,region,last_seen,battery,mains,software,config,"
                + "certificate_expires,last_full_charge,test_transmission,ready,why_not,what_to_do\r\n");
        for (Line l : lines) {
            sb.append(String.join(",", field(l.device()), field(l.station()), field(l.region()),
                    field(l.lastSeen()), field(l.battery() == null ? null : Math.round(l.battery())),
                    field(l.mains()), field(l.software()), field(l.config()), field(l.certificateExpires()),
                    field(l.lastFull()), field(l.testSent()), l.ready() ? "yes" : "no", field(String.join("; ", l.why())), field(String.join("; ", l.todo()))))
                    .append("\r\n");
        }
        return sb.toString();
    }

    private static String field(Object value) {
        String text = value == null ? "" : value.toString();
        // a field that a spreadsheet would run as a formula is quoted with a leading apostrophe
        if (!text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0 && !(value instanceof Number)) {
            text = "'" + text;
        }
        return text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
                ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
}
