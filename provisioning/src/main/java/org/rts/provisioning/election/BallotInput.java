package org.rts.provisioning.election;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.rts.protocol.Ids;
import org.rts.protocol.codec.Json;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Station;
import org.rts.provisioning.ProvisioningException;

/**
 * A ballot definition as a commission has it: the election's header in JSON (id, name, mode, the constituencies
 * with their names and regions, tolerances, polling), and the station list and candidate lists from spreadsheets
 * saved as CSV (UTF-8, one header line naming the columns, in any order):
 * <ul>
 *   <li>stations: {@code station,name,centre,constituency,region,registered_voters,races}; {@code races} (optional)
 *       lists the race ids separated by {@code ;} when the station votes in only some of its races; {@code region}
 *       may be left empty for the constituency's; a column {@code registered_voters:<race id>} gives the voters on
 *       the list for that race where the law counts them apart (empty: the station's figure);</li>
 *   <li>candidates: {@code race,race_name,constituency,candidate,candidate_name}, one line per candidate in ballot
 *       order; an empty {@code constituency} makes a national race, which every station votes in.</li>
 * </ul>
 * Every mistake in a list is reported as {@code file:line: what}, before anything is written.
 */
public final class BallotInput {
    private static final List<String> STATION_COLUMNS = List.of("station", "name", "centre", "constituency", "region",
            "registered_voters");
    private static final String PER_RACE = "registered_voters:";
    private static final List<String> CANDIDATE_COLUMNS = List.of("race", "race_name", "constituency", "candidate",
            "candidate_name");

    private BallotInput() {
    }

    /** The definition from {@code header}, its stations and races taken from the CSV files given (null: from it). */
    public static Election read(Path header, Path stationsCsv, Path candidatesCsv) {
        if (stationsCsv == null && candidatesCsv == null) {
            return Election.read(header);
        }
        ObjectNode root = header(header);
        Map<String, ObjectNode> constituencies = new LinkedHashMap<>();
        for (JsonNode c : array(root, "constituencies")) {
            if (c instanceof ObjectNode o && c.hasNonNull("id")) {
                constituencies.put(c.get("id").asText(), o);
            }
        }
        if (candidatesCsv != null) {
            boolean races = !array(root, "races").isEmpty()
                    || constituencies.values().stream().anyMatch(c -> !array(c, "races").isEmpty());
            if (races) {
                throw new ProvisioningException(header + ": its races come from " + candidatesCsv
                        + "; remove them from " + header.getFileName());
            }
            candidates(candidatesCsv, header, root, constituencies);
        }
        if (stationsCsv != null) {
            if (!array(root, "stations").isEmpty()) {
                throw new ProvisioningException(header + ": its stations come from " + stationsCsv
                        + "; remove them from " + header.getFileName());
            }
            root.set("stations", Json.mapper().valueToTree(stations(stationsCsv, header, root, constituencies)));
        }
        try {
            return Json.mapper().treeToValue(root, Election.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : null;
            throw new ProvisioningException("ballot definition " + header + " with its lists is invalid: "
                    + (cause != null ? cause.getMessage() : e.getOriginalMessage()));
        }
    }

    private static ObjectNode header(Path header) {
        try {
            if (Json.mapper().readTree(header.toFile()) instanceof ObjectNode o) {
                return o;
            }
            throw new ProvisioningException("ballot definition " + header + " is not a JSON object");
        } catch (JsonProcessingException e) {
            throw new ProvisioningException("ballot definition " + header + " is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ProvisioningException("cannot read ballot definition " + header + ": " + e.getMessage());
        }
    }

    private static List<JsonNode> array(JsonNode node, String field) {
        List<JsonNode> list = new ArrayList<>();
        if (node.get(field) instanceof ArrayNode a) {
            a.forEach(list::add);
        }
        return list;
    }

    /** Adds each race of the candidate lists to the header: national ones to its races, others to their constituency. */
    private static void candidates(Path csv, Path header, ObjectNode root, Map<String, ObjectNode> constituencies) {
        record RaceRows(String name, String constituency, long line, ArrayNode candidates, Map<String, Long> seen) {
        }
        Map<String, RaceRows> races = new LinkedHashMap<>();
        for (Row row : rows(csv, CANDIDATE_COLUMNS)) {
            String race = row.id("race");
            String constituency = row.get("constituency");
            if (!constituency.isEmpty() && !constituencies.containsKey(constituency)) {
                throw row.error("race '" + race + "' names constituency '" + constituency + "', which "
                        + header.getFileName() + " does not list" + known(constituencies.keySet()));
            }
            RaceRows r = races.computeIfAbsent(race, k -> new RaceRows(row.required("race_name"), constituency,
                    row.line(), Json.mapper().createArrayNode(), new HashMap<>()));
            if (!r.constituency().equals(constituency)) {
                throw row.error("race '" + race + "' is in " + where(r.constituency()) + " on line " + r.line()
                        + " but in " + where(constituency) + " here");
            }
            String candidate = row.id("candidate");
            Long first = r.seen().putIfAbsent(candidate, row.line());
            if (first != null) {
                throw row.error("candidate '" + candidate + "' is listed twice in race '" + race + "' (first on line "
                        + first + ")");
            }
            r.candidates().addObject().put("id", candidate).put("name", row.required("candidate_name"));
        }
        ArrayNode national = root.putArray("races");
        for (var e : races.entrySet()) {
            RaceRows r = e.getValue();
            ObjectNode race = r.constituency().isEmpty() ? national.addObject()
                    : ((ArrayNode) (constituencies.get(r.constituency()).get("races") instanceof ArrayNode a ? a
                            : constituencies.get(r.constituency()).putArray("races"))).addObject();
            race.put("id", e.getKey()).put("name", r.name()).set("candidates", r.candidates());
        }
    }

    private static String where(String constituency) {
        return constituency.isEmpty() ? "no constituency (national)" : "constituency '" + constituency + "'";
    }

    private static List<Station> stations(Path csv, Path header, ObjectNode root,
                                          Map<String, ObjectNode> constituencies) {
        Set<String> national = ids(array(root, "races"));
        Map<String, Long> seen = new HashMap<>();
        List<Station> stations = new ArrayList<>();
        List<Row> rows = rows(csv, STATION_COLUMNS);
        List<String> perRace = rows.isEmpty() ? List.of() : rows.get(0).record().getParser().getHeaderNames()
                .stream().filter(c -> c.startsWith(PER_RACE)).toList();
        for (Row row : rows) {
            String id = row.id("station");
            Long first = seen.putIfAbsent(id, row.line());
            if (first != null) {
                throw row.error("station '" + id + "' is listed twice (first on line " + first + ")");
            }
            String constituency = row.get("constituency");
            ObjectNode c = constituency.isEmpty() ? null : constituencies.get(constituency);
            if (!constituency.isEmpty() && c == null) {
                throw row.error("station '" + id + "' names constituency '" + constituency + "', which "
                        + header.getFileName() + " does not list" + known(constituencies.keySet()));
            }
            Set<String> may = new LinkedHashSet<>(national);
            if (c != null) {
                may.addAll(ids(array(c, "races")));
            }
            List<String> races = new ArrayList<>();
            for (String race : row.get("races").split(";")) {
                if (!race.isBlank()) {
                    races.add(race.strip());
                }
            }
            for (String race : races) {
                if (!may.contains(race)) {
                    throw row.error("station '" + id + "' lists race '" + race + "', which is not on its ballot"
                            + " (it may vote in: " + String.join(", ", may) + ")");
                }
            }
            if (may.isEmpty()) {
                throw row.error("station '" + id + "' has no race to vote in: " + (c == null
                        ? "it names no constituency" : "constituency '" + constituency + "' has none")
                        + " and there is no national race");
            }
            Map<String, Integer> byRace = new LinkedHashMap<>();
            for (String column : perRace) {
                if (!row.get(column).isEmpty()) {
                    String race = column.substring(PER_RACE.length()).strip();
                    if (!may.contains(race)) {
                        throw row.error("column '" + column + "': race '" + race + "' is not on the ballot of station '"
                                + id + "' (it may vote in: " + String.join(", ", may) + ")");
                    }
                    byRace.put(race, row.count(column));
                }
            }
            try {
                stations.add(new Station(id, row.required("name"), row.count("registered_voters"),
                        row.get("region"), row.get("centre"), constituency, races, byRace));
            } catch (IllegalArgumentException e) {
                throw row.error(e.getMessage());
            }
        }
        return stations;
    }

    private static Set<String> ids(List<JsonNode> races) {
        return races.stream().map(r -> r.path("id").asText()).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static String known(Set<String> ids) {
        if (ids.isEmpty()) {
            return " (it lists none)";
        }
        return " (it lists " + ids.stream().limit(10).collect(Collectors.joining(", "))
                + (ids.size() > 10 ? " and " + (ids.size() - 10) + " more" : "") + ")";
    }

    /** One line of a list, with what a technician needs to find it. */
    private record Row(Path file, CSVRecord record) {
        long line() {
            return record.getRecordNumber() + 1; // the header is line 1; a field holds no line break (refused)
        }

        String get(String column) {
            return record.isMapped(column) && record.isSet(column) ? record.get(column).strip() : "";
        }

        String required(String column) {
            String value = get(column);
            if (value.isEmpty()) {
                throw error("'" + column + "' is empty");
            }
            return value;
        }

        String id(String column) {
            String value = required(column);
            if (!Ids.isValid(value)) {
                throw error(column + " '" + value + "' is not a valid id (letters, digits, '-', '_' and '.')");
            }
            return value;
        }

        int count(String column) {
            String value = required(column);
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw error("'" + column + "' must be a whole number, found: " + value);
            }
        }

        ProvisioningException error(String what) {
            return new ProvisioningException(file + ":" + line() + ": " + what);
        }
    }

    private static List<Row> rows(Path csv, List<String> required) {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(false).get();
        List<Row> rows = new ArrayList<>();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(csv)))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new ProvisioningException("list not found: " + csv);
        } catch (CharacterCodingException e) {
            throw new ProvisioningException(csv + " is not UTF-8 text: save the spreadsheet as 'CSV UTF-8'");
        } catch (IOException e) {
            throw new ProvisioningException("cannot read " + csv + ": " + e.getMessage());
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // the byte order mark spreadsheets write
        }
        try (CSVParser parser = CSVParser.parse(text, format)) {
            List<String> columns = parser.getHeaderNames();
            for (String column : required) {
                if (!columns.contains(column)) {
                    throw new ProvisioningException(csv + ":1: no column '" + column + "' (the header names: "
                            + String.join(",", columns) + "; expected: " + String.join(",", required) + ")");
                }
            }
            for (CSVRecord record : parser) {
                Row row = new Row(csv, record);
                if (parser.getCurrentLineNumber() != row.line()) {
                    throw row.error("a field holds a line break, or a quote is not closed");
                }
                if (record.size() == 1 && record.get(0).isBlank()) {
                    continue; // an empty line
                }
                if (record.size() != columns.size()) {
                    throw row.error(record.size() + " fields, but the header names " + columns.size());
                }
                rows.add(row);
            }
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw new ProvisioningException("cannot read " + csv + " as CSV: " + e.getMessage());
        }
        return rows;
    }
}
