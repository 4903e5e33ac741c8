package org.rts.provisioning.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.provisioning.ProvisioningException;

/** The station and candidate lists a commission keeps in spreadsheets, read as CSV with the header in JSON. */
class BallotInputTest {
    private static final String HEADER = """
            { "id": "iq-2026", "name": "الانتخابات النيابية", "mode": "LIVE",
              "constituencies": [
                { "id": "baghdad-1", "name": "بغداد ١", "region": "Baghdad" },
                { "id": "basra-1", "name": "البصرة ١", "region": "Basra" },
                { "id": "empty", "name": "Nobody's", "region": "Anbar" } ] }
            """;
    private static final String CANDIDATES = """
            race,race_name,constituency,candidate,candidate_name
            referendum,الاستفتاء,,yes,نعم
            referendum,الاستفتاء,,no,لا
            council-b1,"مجلس بغداد، الأول",baghdad-1,list-1,"قائمة الرافدين، ١"
            council-b1,"مجلس بغداد، الأول",baghdad-1,list-2,قائمة دجلة
            council-basra,مجلس البصرة,basra-1,list-9,قائمة شط العرب
            """;
    private static final String STATIONS = """
            station,name,centre,constituency,region,registered_voters,races
            S-1,"مدرسة المنصور، غرفة ١",C-1,baghdad-1,,480,
            S-2,مدرسة المنصور غرفة ٢,C-1,baghdad-1,,500,council-b1

            S-3,ثانوية العشار,C-2,basra-1,Basra,610,referendum;council-basra
            """;

    @TempDir
    Path dir;
    Path header;
    Path stations;
    Path candidates;

    @BeforeEach
    void lists() throws IOException {
        header = Files.writeString(dir.resolve("election.json"), HEADER);
        stations = Files.writeString(dir.resolve("stations.csv"), "\uFEFF" + STATIONS);
        candidates = Files.writeString(dir.resolve("candidates.csv"), CANDIDATES);
    }

    @Test
    void the_lists_make_each_station_its_ballot_with_arabic_names_and_quoted_commas() {
        Election e = BallotInput.read(header, stations, candidates);
        assertEquals(List.of("S-1", "S-2", "S-3"), e.stations().stream().map(s -> s.id()).toList());
        assertEquals(List.of("referendum", "council-b1"), ids(e.ballot("S-1")));
        assertEquals(List.of("council-b1"), ids(e.ballot("S-2")));
        assertEquals(List.of("referendum", "council-basra"), ids(e.ballot("S-3")));
        assertEquals(List.of(), ids(e.constituency("empty").orElseThrow().races()));
        Race b1 = e.race("council-b1").orElseThrow();
        assertEquals("مجلس بغداد، الأول", b1.name());
        assertEquals(List.of(new Candidate("list-1", "قائمة الرافدين، ١"), new Candidate("list-2", "قائمة دجلة")),
                b1.candidates(), "candidates in the lines' order, which is the ballot's");
        assertEquals("مدرسة المنصور، غرفة ١", e.station("S-1").orElseThrow().name());
        assertEquals("Baghdad", e.station("S-1").orElseThrow().region(), "the constituency's region");
        assertEquals("C-2", e.station("S-3").orElseThrow().centre());
        assertEquals(610, e.station("S-3").orElseThrow().registeredVoters());
        assertEquals(e, BallotInput.read(header, stations, candidates), "read twice, the same definition");
    }

    @Test
    void a_race_may_count_its_own_registered_voters() throws IOException {
        Files.writeString(stations, """
                station,name,centre,constituency,region,registered_voters,races,registered_voters:council-b1
                S-1,"مدرسة المنصور، غرفة ١",C-1,baghdad-1,,480,,455
                S-2,مدرسة المنصور غرفة ٢,C-1,baghdad-1,,500,council-b1,
                S-3,ثانوية العشار,C-2,basra-1,Basra,610,referendum;council-basra,
                """);
        Election e = BallotInput.read(header, stations, candidates);
        assertEquals(455, e.station("S-1").orElseThrow().registeredVoters("council-b1"));
        assertEquals(480, e.station("S-1").orElseThrow().registeredVoters("referendum"), "the station's list");
        assertEquals(500, e.station("S-2").orElseThrow().registeredVoters("council-b1"), "an empty cell: the same");
        Files.writeString(stations, Files.readString(stations).replace("council-basra,", "council-basra,70"));
        assertEquals(stations + ":4: column 'registered_voters:council-b1': race 'council-b1' is not on the ballot of"
                + " station 'S-3' (it may vote in: referendum, council-basra)", refusal());
    }

    @Test
    void a_duplicate_station_is_named_with_both_lines() throws IOException {
        Files.writeString(stations, STATIONS + "S-2,again,C-9,basra-1,,10,\n");
        assertEquals(stations + ":6: station 'S-2' is listed twice (first on line 3)", refusal());
    }

    @Test
    void an_unknown_constituency_is_named_with_those_the_header_lists() throws IOException {
        Files.writeString(stations, STATIONS.replace("S-3,ثانوية العشار,C-2,basra-1", "S-3,x,C-2,basra-9"));
        assertEquals(stations + ":5: station 'S-3' names constituency 'basra-9', which election.json does not list"
                + " (it lists baghdad-1, basra-1, empty)", refusal());
    }

    @Test
    void a_candidate_listed_twice_in_a_race_is_refused() throws IOException {
        Files.writeString(candidates, CANDIDATES + "council-b1,\"مجلس بغداد، الأول\",baghdad-1,list-1,again\n");
        assertEquals(candidates + ":7: candidate 'list-1' is listed twice in race 'council-b1' (first on line 4)",
                refusal());
    }

    @Test
    void a_station_with_no_race_is_refused() throws IOException {
        Files.writeString(candidates, CANDIDATES.lines().filter(l -> !l.startsWith("referendum"))
                .reduce("", (a, b) -> a + b + "\n"));
        Files.writeString(stations, STATIONS.replace("referendum;council-basra", "council-basra")
                + "S-4,قاعة,C-3,empty,,100,\n");
        assertEquals(stations + ":6: station 'S-4' has no race to vote in: constituency 'empty' has none and there"
                + " is no national race", refusal());
    }

    @Test
    void other_mistakes_are_named_by_file_and_line() throws IOException {
        Files.writeString(stations, STATIONS.replace("610", "six hundred"));
        assertEquals(stations + ":5: 'registered_voters' must be a whole number, found: six hundred", refusal());
        Files.writeString(stations, STATIONS.replace("council-b1\n", "council-basra\n"));
        assertTrue(refusal().startsWith(stations + ":3: station 'S-2' lists race 'council-basra', which is not on its"
                + " ballot"), refusal());
        Files.writeString(stations, STATIONS.replace("registered_voters", "voters"));
        assertTrue(refusal().startsWith(stations + ":1: no column 'registered_voters'"), refusal());
        Files.writeString(stations, STATIONS);
        Files.writeString(candidates, CANDIDATES.replace("council-basra,مجلس البصرة", "council-b1,مجلس البصرة"));
        assertEquals(candidates + ":6: race 'council-b1' is in constituency 'baghdad-1' on line 4 but in"
                + " constituency 'basra-1' here", refusal());
        Files.write(candidates, new byte[] {'r', 'a', (byte) 0xC3, '\n'});
        assertEquals(candidates + " is not UTF-8 text: save the spreadsheet as 'CSV UTF-8'", refusal());
    }

    @Test
    void a_header_that_also_lists_stations_says_which_to_remove() throws IOException {
        Files.writeString(header, HEADER.replace("\"mode\": \"LIVE\",", "\"mode\": \"LIVE\", \"stations\": [{\"id\":"
                + " \"S-1\", \"name\": \"x\", \"registeredVoters\": 1}],"));
        assertEquals(header + ": its stations come from " + stations + "; remove them from election.json",
                refusal());
    }

    private String refusal() {
        return assertThrows(ProvisioningException.class, () -> BallotInput.read(header, stations, candidates))
                .getMessage();
    }

    private static List<String> ids(List<Race> races) {
        return races.stream().map(Race::id).toList();
    }
}
