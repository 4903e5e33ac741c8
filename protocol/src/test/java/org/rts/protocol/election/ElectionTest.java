package org.rts.protocol.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rts.protocol.Fixtures;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.codec.Json;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.message.Mode;

/** The ballot definition: national races, constituencies with their own, and the ballot each station holds. */
class ElectionTest {
    private static final List<Candidate> TWO = List.of(new Candidate("a", "Alpha"), new Candidate("b", "Beta"));

    private static Election parse(String json) {
        return JsonFiles.parse(Path.of("election.json"), json.getBytes(StandardCharsets.UTF_8), Election.class,
                "ballot definition");
    }

    private static List<String> ids(List<Race> races) {
        return races.stream().map(Race::id).toList();
    }

    private static Race race(String id) {
        return new Race(id, "Race " + id, TWO);
    }

    private static Election election(List<Race> national, List<Constituency> constituencies, Station... stations) {
        return new Election("el", "Election", Mode.LIVE, national, constituencies, List.of(stations), null, null);
    }

    private static String error(Runnable definition) {
        return assertThrows(IllegalArgumentException.class, definition::run).getMessage();
    }

    @Test
    void a_single_list_definition_loads_as_before_every_station_voting_in_every_race() {
        Election e = parse("""
                {"id":"el","name":"Election","mode":"LIVE",
                 "races":[{"id":"parliament","name":"Parliament","candidates":[{"id":"a","name":"Alpha"}]},
                          {"id":"senate","name":"Senate","candidates":[{"id":"b","name":"Beta"}]}],
                 "stations":[{"id":"S-1","name":"One","registeredVoters":500},
                             {"id":"S-2","name":"Two","registeredVoters":480,"region":"Basra"}]}""");
        assertTrue(e.singleList());
        assertEquals(List.of(), e.constituencies());
        assertEquals(List.of("parliament", "senate"), ids(e.ballot("S-1")));
        assertEquals(List.of("parliament", "senate"), ids(e.ballot("S-2")));
        assertEquals(e.races(), e.allRaces());
        assertEquals("Basra", e.station("S-2").orElseThrow().region());
        assertEquals("", e.station("S-1").orElseThrow().constituency());
        assertEquals(List.of(), e.ballot("S-9"), "a station the definition does not have votes in nothing");
    }

    @Test
    void the_example_definitions_load() {
        Election single = Election.read(Path.of("../examples/ballot.json"));
        assertTrue(single.singleList());
        assertEquals(List.of("parliament"), ids(single.ballot("S-0003")));
        Election districts = Election.read(Path.of("../examples/ballot-constituencies.json"));
        assertFalse(districts.singleList());
        assertEquals(List.of("referendum", "council-baghdad-1"), ids(districts.ballot("S-0001")));
        assertEquals(List.of("council-baghdad-1"), ids(districts.ballot("S-0002")));
        assertEquals(List.of("referendum", "council-basra-1"), ids(districts.ballot("S-0004")));
        assertEquals("Basra", districts.station("S-0004").orElseThrow().region());
        assertEquals("C-001", districts.station("S-0002").orElseThrow().centre());
    }

    @Test
    void a_station_extract_holds_its_own_station_and_ballot_only_and_reads_as_the_whole() {
        Election districts = Election.read(Path.of("../examples/ballot-constituencies.json"));
        Election own = districts.extract("S-0002");
        assertEquals(List.of("S-0002"), own.stations().stream().map(Station::id).toList());
        assertEquals(List.of("council-baghdad-1"), ids(own.ballot("S-0002")), "the station's own races, no other");
        assertEquals(List.of(), own.races(), "the referendum is not on this station's ballot");
        assertEquals(List.of("baghdad-1"), own.constituencies().stream().map(Constituency::id).toList());
        assertEquals(districts.race("council-baghdad-1"), own.race("council-baghdad-1"));
        assertEquals(districts.tolerances(), own.tolerances());
        assertEquals(districts.polling(), own.polling());
        assertEquals(districts.station("S-0002"), own.station("S-0002"));
        assertEquals(List.of("referendum", "council-basra-1"), ids(districts.extract("S-0004").ballot("S-0004")));
        Election single = Election.read(Path.of("../examples/ballot.json"));
        assertEquals(single.races(), single.extract("S-0003").races());
        assertThrows(IllegalArgumentException.class, () -> districts.extract("S-9"));
    }

    @Test
    void three_constituencies_give_each_station_its_own_ballot() {
        Election e = Fixtures.constituencies();
        assertFalse(e.singleList());
        assertEquals(List.of("president", "north-seats"), ids(e.ballot("S-001")));
        assertEquals(List.of("president", "south-seats"), ids(e.ballot("S-002")));
        assertEquals(List.of("east-seats"), ids(e.ballot("S-003")), "S-003 names the one ballot it holds");
        assertEquals(List.of("president", "north-seats", "south-seats", "east-seats"), ids(e.allRaces()));
        assertEquals("South", e.race("south-seats").orElseThrow().name(), "race() finds a constituency's race");
        assertTrue(e.onBallot("S-001", "north-seats"));
        assertFalse(e.onBallot("S-001", "south-seats"));
        assertFalse(e.onBallot("S-003", "president"));
        assertFalse(e.onBallot("S-9", "president"), "a station the definition does not have");
        assertEquals("North region", e.station("S-001").orElseThrow().region(), "the constituency's region");
        assertEquals("", e.station("S-003").orElseThrow().region());
        assertEquals("East", e.constituency("east").orElseThrow().name());
    }

    @Test
    void a_definition_written_out_reads_back_the_same() throws Exception {
        for (Election e : List.of(Fixtures.constituencies(), Fixtures.election(2))) {
            byte[] written = Json.pretty().writeValueAsBytes(e);
            Election back = JsonFiles.parse(Path.of("election.json"), written, Election.class, "ballot definition");
            assertEquals(e, back);
            assertEquals(ids(e.ballot("S-001")), ids(back.ballot("S-001")));
        }
        String single = Json.mapper().writeValueAsString(Fixtures.election(2));
        for (String field : List.of("constituencies", "centre", "constituency", "\"races\":[]")) {
            assertFalse(single.contains(field), "a single-list definition is written as before: " + single);
        }
    }

    @Test
    void a_station_naming_an_unknown_constituency_is_refused() {
        assertEquals("station 'S-1' names constituency 'west', which is not in the ballot definition"
                        + " (constituencies: north)",
                error(() -> election(List.of(race("p")), List.of(new Constituency("north", "North", null,
                        List.of(race("n")))), new Station("S-1", "One", 10, null, null, "west", null))));
        assertEquals("station 'S-1' names constituency 'west', which is not in the ballot definition (it has none)",
                error(() -> election(List.of(race("p")), List.of(),
                        new Station("S-1", "One", 10, null, null, "west", null))));
    }

    @Test
    void a_race_id_defined_twice_anywhere_is_refused() {
        assertEquals("race 'p' is defined twice: as a national race and in constituency 'north'",
                error(() -> election(List.of(race("p")), List.of(new Constituency("north", "North", null,
                        List.of(race("p")))), new Station("S-1", "One", 10))));
        assertEquals("race 'n' is defined twice: in constituency 'north' and in constituency 'south'",
                error(() -> election(List.of(), List.of(new Constituency("north", "North", null, List.of(race("n"))),
                        new Constituency("south", "South", null, List.of(race("n")))),
                        new Station("S-1", "One", 10, null, null, "north", null))));
        assertEquals("race 'p' is defined twice: as a national race",
                error(() -> election(List.of(race("p"), race("p")), List.of(), new Station("S-1", "One", 10))));
        assertEquals("constituency 'north' is defined twice",
                error(() -> election(List.of(race("p")), List.of(new Constituency("north", "North", null, null),
                        new Constituency("north", "North", null, null)), new Station("S-1", "One", 10))));
    }

    @Test
    void a_station_listing_a_race_outside_its_constituency_and_the_national_ones_is_refused() {
        List<Constituency> two = List.of(new Constituency("north", "North", null, List.of(race("n"))),
                new Constituency("south", "South", null, List.of(race("s"))));
        assertEquals("station 'S-1' lists race 's', which is neither a national race nor one of constituency"
                        + " 'north' (it may vote in: p, n)",
                error(() -> election(List.of(race("p")), two,
                        new Station("S-1", "One", 10, null, null, "north", List.of("n", "s")))));
        assertEquals("station 'S-1' lists race 'n', which is not a national race (it may vote in: p)",
                error(() -> election(List.of(race("p")), two,
                        new Station("S-1", "One", 10, null, null, null, List.of("n")))));
        assertEquals("station 'S-1' lists race 'n' twice",
                error(() -> new Station("S-1", "One", 10, null, null, "north", List.of("n", "n"))));
    }

    @Test
    void a_station_with_no_race_to_vote_in_is_refused() {
        List<Constituency> empty = List.of(new Constituency("north", "North", null, List.of()),
                new Constituency("south", "South", null, List.of(race("s"))));
        assertEquals("station 'S-1' has no race to vote in: constituency 'north' has none and there is no national"
                        + " race",
                error(() -> election(List.of(), empty, new Station("S-1", "One", 10, null, null, "north", null))));
        assertEquals("station 'S-2' has no race to vote in: it names no constituency and there is no national race",
                error(() -> election(List.of(), empty, new Station("S-2", "Two", 10))));
        assertEquals("election 'el' needs at least one race and one station",
                error(() -> election(List.of(), List.of(new Constituency("north", "North", null, null)),
                        new Station("S-1", "One", 10, null, null, "north", null))));
    }

    @Test
    void a_station_in_another_region_than_its_constituency_is_refused() {
        assertEquals("station 'S-1' is in region 'Basra' but its constituency 'north' is in region 'Baghdad'",
                error(() -> election(List.of(race("p")), List.of(new Constituency("north", "North", "Baghdad",
                        null)), new Station("S-1", "One", 10, "Basra", null, "north", null))));
    }

    @Test
    void a_validation_error_in_a_file_names_the_file_and_the_rule() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> parse("""
                {"id":"el","name":"Election","mode":"LIVE",
                 "races":[{"id":"p","name":"P","candidates":[{"id":"a","name":"Alpha"}]}],
                 "stations":[{"id":"S-1","name":"One","registeredVoters":5,"constituency":"west"}]}"""));
        assertEquals("ballot definition election.json is invalid: station 'S-1' names constituency 'west', which is"
                + " not in the ballot definition (it has none)", e.getMessage());
    }
}
