package org.rts.hub.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.codec.Json;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Polling;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.Registry;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;

class ObserverPageTest {
    @TempDir
    Path dir;

    @Test
    void the_page_holds_the_decoder_the_ca_and_every_unit_by_thumbprint_and_no_name_can_close_its_script()
            throws Exception {
        TestElection election = new TestElection(dir, "tcp://127.0.0.1:1", Mode.LIVE);
        X509CertificateHolder ca = Pem.readCertificate(election.files.caCertificate());
        Registry registry = Registry.readSigned(election.files.registry(), ca);
        String hostile = "</script><script>window.__pwned=1</script>";
        Election named = new Election(election.id, hostile, Mode.LIVE, List.of(new Race("parliament", hostile,
                List.of(new Candidate("a", hostile)))), List.of(new Station("S-1", hostile, 500)), null,
                new Polling("Asia/Baghdad", List.of(LocalTime.NOON)));

        String page = ObserverPage.html(named, ca, registry, Map.of("h", new ObserverPage.Answer("S-1", "ACCEPTED", "C")));

        assertTrue(page.contains("BrowserQRCodeReader"), "ZXing is in the page itself");
        assertFalse(page.contains("/*ZXING*/") || page.contains("/*DATA*/"), "both parts filled in");
        assertEquals(3, page.split("</script>", -1).length - 1, "only the page's own three scripts close");
        String json = page.substring(page.indexOf("id=\"rts-data\">") + 14);
        json = json.substring(0, json.indexOf("</script>"));
        JsonNode data = Json.mapper().readTree(json);
        assertEquals(hostile, data.at("/election/stations/S-1").asText(), "the names arrive intact");
        Registry.Entry first = registry.devices().get(0);
        String thumbprint = Certificates.thumbprint(Pem.parseCertificate(first.certificate()));
        assertEquals(first.device(), data.at("/devices/" + thumbprint + "/device").asText());
        assertEquals(first.station(), data.at("/devices/" + thumbprint + "/station").asText());
        assertEquals("C", data.at("/receipts/h/code").asText());
        assertEquals(64, data.get("caSha256").asText().length());
        assertTrue(ObserverPage.html(named, ca, registry, null).contains("\"receipts\":null"),
                "the hub's own page knows no answers");
    }

    @Test
    void a_constituency_s_page_holds_its_own_units_and_answers_and_the_index_links_every_page() throws Exception {
        TestElection election = TestElection.withConstituencies(dir, "tcp://127.0.0.1:1");
        X509CertificateHolder ca = Pem.readCertificate(election.files.caCertificate());
        Registry registry = Registry.readSigned(election.files.registry(), ca);
        Map<String, ObserverPage.Answer> answers = Map.of("north-hash", new ObserverPage.Answer("S-1", "ACCEPTED",
                "N"), "south-hash", new ObserverPage.Answer("S-3", "ACCEPTED", "S"));

        JsonNode north = data(ObserverPage.html(election.election, "north", ca, registry, answers));
        assertEquals(List.of("S-1", "S-2"), fieldNames(north.at("/election/stations")));
        List<String> units = new java.util.ArrayList<>();
        north.get("devices").forEach(d -> units.add(d.get("device").asText()));
        assertEquals(List.of("dev-1", "dev-2"), units.stream().sorted().toList());
        assertEquals(List.of("north-hash"), fieldNames(north.get("receipts")));
        assertTrue(north.at("/election/name").asText().endsWith(" - North"));
        assertEquals("LIVE", north.at("/election/mode").asText(), "a DRILL slip is told apart");
        assertFalse(ObserverPage.hasStationsWithoutConstituency(election.election));

        Election mixed = new Election(election.id, "Mixed", Mode.LIVE, election.election.races(),
                List.of(election.election.constituencies().get(0)), List.of(new Station("S-1", "One", 500, null,
                null, "north", null), new Station("S-9", "Nine", 500)), null, null);
        assertTrue(ObserverPage.hasStationsWithoutConstituency(mixed));
        assertEquals(List.of("S-9"), fieldNames(data(ObserverPage.html(mixed, ObserverPage.NO_CONSTITUENCY, ca,
                registry, answers)).at("/election/stations")));
        assertTrue(ObserverPage.index(mixed).contains("<a href=\"check/_none.html\">Stations of no constituency</a>"));

        String index = ObserverPage.index(election.election);
        assertTrue(index.contains("<a href=\"check/north.html\">North</a>")
                && index.contains("<a href=\"check/south.html\">South</a>"), index);
    }

    private static JsonNode data(String page) throws Exception {
        String json = page.substring(page.indexOf("id=\"rts-data\">") + 14);
        return Json.mapper().readTree(json.substring(0, json.indexOf("</script>")));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
