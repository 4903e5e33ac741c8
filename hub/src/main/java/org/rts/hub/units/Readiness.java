package org.rts.hub.units;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.Registry;
import org.rts.protocol.pki.Pem;

/**
 * Before polling day: is every unit ready? A unit is ready when it was heard from within {@link #RECENT}, its
 * battery is charged (at least {@link #CHARGED} %, or on mains), it runs the expected software, its certificate is
 * valid until well after the polls close, its clock is synchronised and its case is shut. One line per active
 * unit of the registry, the reasons when it is not ready.
 */
public final class Readiness {
    static final Duration RECENT = Duration.ofHours(24);
    static final double CHARGED = 80;
    /** The certificate must stay valid this long after the close (a late count, a recount). */
    static final Duration AFTER_CLOSE = Duration.ofDays(7);

    private Readiness() {
    }

    /** One unit's readiness. */
    public record Line(String device, String station, String region, Instant lastSeen, Double battery,
                       Boolean mains, String software, Instant certificateExpires, boolean ready, List<String> why) {
    }

    public static List<Line> report(Election election, Registry registry, List<UnitRegistry.UnitStatus> units,
                                    String expectedSoftware, Instant now) {
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
            } else if (u != null) {
                why.add("no telemetry yet");
            }
            if (expires.isBefore(mustLast)) {
                why.add("certificate expires " + expires);
            }
            String region = election.station(e.station()).map(Station::region).orElse("");
            lines.add(new Line(e.device(), e.station(), region, u == null ? null : u.lastSeen(),
                    t == null ? null : t.battery(), t == null ? null : t.mains(), t == null ? null : t.software(),
                    expires, why.isEmpty(), List.copyOf(why)));
        }
        return lines;
    }

    /** The report as CSV (RFC 4180), one header line then one line per unit. */
    public static String csv(List<Line> lines) {
        StringBuilder sb = new StringBuilder("device,station,region,last_seen,battery,mains,software,"
                + "certificate_expires,ready,why_not\r\n");
        for (Line l : lines) {
            sb.append(String.join(",", field(l.device()), field(l.station()), field(l.region()),
                    field(l.lastSeen()), field(l.battery() == null ? null : Math.round(l.battery())),
                    field(l.mains()), field(l.software()), field(l.certificateExpires()),
                    l.ready() ? "yes" : "no", field(String.join("; ", l.why())))).append("\r\n");
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
