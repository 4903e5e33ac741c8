package org.rts.hub.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.protocol.codec.Json;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.Registry;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;

/**
 * The observer's check page: one self-contained HTML file that reads a result slip's QR code (from the phone's
 * camera or a photo; ZXing, bundled at build time) and checks the unit's signature and its certificate's
 * signature by the election's CA with the browser's WebCrypto, offline. The election's names, its CA certificate
 * and every device certificate of the registry are written into the page; an export's page also holds the hub's
 * answer to every result, by message hash.
 */
public final class ObserverPage {
    /** The page of the stations that have no constituency, in an election whose others have one. */
    public static final String NO_CONSTITUENCY = "_none";
    private static String template;

    private ObserverPage() {
    }

    /** The hub's answer to one message of {@code station}: {@code ACCEPTED} or {@code REJECTED}, with its code. */
    public record Answer(@com.fasterxml.jackson.annotation.JsonIgnore String station, String status, String code) {
    }

    /**
     * The page that lists the constituencies' pages ({@code check/<id>.html} beside it), for an election with
     * constituencies; it needs nothing else.
     */
    public static String index(Election election) {
        StringBuilder links = new StringBuilder();
        for (var c : election.constituencies()) {
            links.append("<li><a href=\"check/").append(escape(c.id())).append(".html\">").append(escape(c.name()))
                    .append("</a></li>\n");
        }
        if (hasStationsWithoutConstituency(election)) {
            links.append("<li><a href=\"check/" + NO_CONSTITUENCY + ".html\">Stations of no constituency</a></li>\n");
        }
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\""
                + "width=device-width, initial-scale=1\"><title>Check a result slip</title></head><body>\n<h1>"
                + escape(election.name()) + "</h1>\n<p>Choose the constituency of the station on the slip (each page"
                + " checks its own units' slips offline).</p>\n<ul>\n" + links + "</ul>\n</body></html>\n";
    }

    /** Whether some station of an election with constituencies belongs to none (it votes in national races). */
    public static boolean hasStationsWithoutConstituency(Election election) {
        return !election.constituencies().isEmpty()
                && election.stations().stream().anyMatch(s -> s.constituency().isEmpty());
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * The page for {@code election}, checked against {@code ca} and {@code registry}; {@code answers} by message
     * hash, or null where the page does not know them (the hub serves it without any).
     */
    public static String html(Election election, X509CertificateHolder ca, Registry registry,
                              Map<String, Answer> answers) {
        return html(election, null, ca, registry, answers);
    }

    /**
     * The page for the stations of one constituency ({@code constituency} its id; null: every station): its units,
     * the national races and its own. A national election's page holds every unit's certificate (about 0.95 KB
     * each), too large for a phone; a constituency's holds hundreds.
     */
    public static String html(Election election, String constituency, X509CertificateHolder ca, Registry registry,
                              Map<String, Answer> answers) {
        Base64.Encoder b64 = Base64.getEncoder();
        Map<String, Object> stations = new LinkedHashMap<>();
        for (Station s : election.stations()) {
            if (constituency == null || constituency.equals(s.constituency())
                    || constituency.equals(NO_CONSTITUENCY) && s.constituency().isEmpty()) {
                stations.put(s.id(), s.name());
            }
        }
        Map<String, Object> races = new LinkedHashMap<>();
        for (Race r : election.allRaces()) {
            races.put(r.id(), Map.of("name", r.name(), "candidates", r.candidates().stream().map(Candidate::name)
                    .toList()));
        }
        Map<String, Object> devices = new LinkedHashMap<>();
        for (Registry.Entry e : registry.devices()) {
            if (!stations.containsKey(e.station())) {
                continue;
            }
            X509CertificateHolder cert = Pem.parseCertificate(e.certificate());
            Map<String, Object> unit = new LinkedHashMap<>();
            unit.put("device", e.device());
            unit.put("station", e.station());
            unit.put("certificate", b64.encodeToString(encoded(cert)));
            unit.put("revokedAt", e.status() == Registry.Status.ACTIVE ? null
                    : e.revokedAt() == null ? e.enrolledAt().toString() : e.revokedAt().toString());
            devices.put(Certificates.thumbprint(cert), unit);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        String name = constituency == null ? election.name() : election.name() + " - "
                + election.constituency(constituency).map(c -> c.name()).orElse("stations of no constituency");
        data.put("election", Map.of("id", election.id(), "name", name, "mode", election.mode().name(),
                "stations", stations, "races", races));
        data.put("ca", b64.encodeToString(encoded(ca)));
        data.put("caSha256", HexFormat.of().formatHex(sha256(encoded(ca))));
        data.put("devices", devices);
        data.put("receipts", answers == null ? null : answers.entrySet().stream()
                .filter(a -> stations.containsKey(a.getValue().station()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        String json;
        try {
            json = Json.mapper().writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // inside a script element: no '<' at all, so no name on the ballot can close it
        return template().replace("/*DATA*/", json.replace("<", "\\u003c"));
    }

    private static byte[] encoded(X509CertificateHolder cert) {
        try {
            return cert.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The page with its decoder, read from the jar once (an export writes a page per constituency). */
    private static synchronized String template() {
        if (template == null) {
            template = resource("check.html").replace("/*ZXING*/", resource("zxing/index.min.js"));
        }
        return template;
    }

    private static String resource(String name) {
        try (InputStream in = ObserverPage.class.getResourceAsStream("/org/rts/hub/check/" + name)) {
            if (in == null) {
                throw new IllegalStateException("/org/rts/hub/check/" + name + " is missing from the hub's jar"
                        + " (the build copies the QR decoder from npm: mvn package with npm on the path)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
