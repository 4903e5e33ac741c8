package org.rts.agent.workflow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rts.agent.AgentException;
import org.rts.protocol.codec.Json;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Race;

/**
 * A station's tally as the officer enters it: votes keyed by candidate id, so a file cannot silently shift votes
 * between candidates. Read from JSON, from {@code field,value} CSV, or typed at the console.
 *
 * @param closedAt time the count closed; null means "now" when transmitted
 */
public record TallyForm(String race, int registered, int received, int unused, int spoiled, int inBox, int invalid,
                        Map<String, Integer> votes, Instant closedAt) {
    private static final List<String> FIELDS = List.of("race", "registered", "received", "unused", "spoiled",
            "inBox", "invalid", "closedAt");

    public TallyForm {
        if (race == null || race.isBlank()) {
            throw new AgentException("the tally names no race");
        }
        votes = votes == null ? Map.of() : new LinkedHashMap<>(votes);
    }

    /** Votes in the ballot's candidate order; refuses unknown or missing candidates by name. */
    public List<Integer> votesInBallotOrder(Race ballotRace) {
        List<String> known = ballotRace.candidates().stream().map(Candidate::id).toList();
        for (String id : votes.keySet()) {
            if (!known.contains(id)) {
                throw new AgentException("candidate '" + id + "' is not on the ballot of race " + ballotRace.id()
                        + "; its candidates are " + known);
            }
        }
        List<Integer> ordered = new ArrayList<>();
        for (String id : known) {
            Integer n = votes.get(id);
            if (n == null) {
                throw new AgentException("no vote count for candidate '" + id + "' of race " + ballotRace.id()
                        + ": enter 0 if the candidate got no votes");
            }
            ordered.add(n);
        }
        return ordered;
    }

    /** A tally file carried on a USB stick: the form, and the election and station it is for. */
    public record Tagged(TallyForm form, String election, String station) {
    }

    /**
     * The largest tally file taken from a USB stick: 1 MiB (the officer's message {@code file.tooLarge} says so).
     * A tally of 150 candidates is under 4 KB, so no real one comes near it; a bigger file is refused unread.
     */
    public static final int MAX_FILE_BYTES = 1 << 20;

    /**
     * Reads a tally file from a USB stick: {@code field,value} lines (UTF-8) as in {@link #fromFields}, plus
     * {@code election} and {@code station}, both required, so a file for another station is recognised as such.
     */
    public static Tagged readTagged(String source, byte[] content) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(content)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new AgentException(source + ": a tally file must be UTF-8 text (save it as CSV UTF-8)");
        }
        String election = null;
        String station = null;
        List<String> rest = new ArrayList<>();
        for (String line : text.lines().toList()) {
            String l = line.strip();
            if (l.startsWith("election,")) {
                election = l.substring("election,".length()).strip();
            } else if (l.startsWith("station,")) {
                station = l.substring("station,".length()).strip();
            } else {
                rest.add(line);
            }
        }
        if (election == null || station == null || election.isEmpty() || station.isEmpty()) {
            throw new AgentException(source + ": a tally file on a USB stick must name its election and station");
        }
        return new Tagged(fromFields(source, rest), election, station);
    }

    /** Reads a {@code .json} or {@code .csv} tally file. */
    public static TallyForm read(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        try {
            if (name.endsWith(".json")) {
                return Json.mapper().readValue(Files.readAllBytes(file), TallyForm.class);
            }
            if (name.endsWith(".csv")) {
                return fromFields(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new AgentException("tally file not found: " + file);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AgentException("tally file " + file + " is not valid: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new AgentException("cannot read tally file " + file + ": " + e.getMessage(), e);
        }
        throw new AgentException("tally file " + file + " must end in .json or .csv");
    }

    /** Parses {@code field,value} lines; candidate ids are fields too. Blank lines and {@code #} comments skipped. */
    static TallyForm fromFields(String source, List<String> lines) {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.equalsIgnoreCase("field,value")) {
                continue;
            }
            String[] parts = line.split(",", -1);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new AgentException(source + " line " + (i + 1) + ": expected 'field,value', found: " + line);
            }
            String key = parts[0].strip();
            String value = parts[1].strip();
            if (fields.containsKey(key) || votes.containsKey(key)) {
                throw new AgentException(source + " line " + (i + 1) + ": '" + key + "' is given twice");
            }
            if (FIELDS.contains(key)) {
                fields.put(key, value);
            } else {
                votes.put(key, number(source + " line " + (i + 1), key, value));
            }
        }
        for (String required : FIELDS.subList(0, 7)) {
            if (!fields.containsKey(required)) {
                throw new AgentException(source + ": field '" + required + "' is missing");
            }
        }
        return new TallyForm(fields.get("race"), number(source, "registered", fields.get("registered")),
                number(source, "received", fields.get("received")), number(source, "unused", fields.get("unused")),
                number(source, "spoiled", fields.get("spoiled")), number(source, "inBox", fields.get("inBox")),
                number(source, "invalid", fields.get("invalid")), votes,
                fields.containsKey("closedAt") ? instant(source, fields.get("closedAt")) : null);
    }

    /** Asks for each figure at the console, with the candidates' names from the ballot. */
    public static TallyForm prompt(Race race, int registered, BufferedReader in, PrintStream out) throws IOException {
        out.printf("Race %s (%s). Registered voters on the station list: %d%n", race.id(), race.name(), registered);
        int received = ask(in, out, "Ballots received");
        int unused = ask(in, out, "Ballots unused");
        int spoiled = ask(in, out, "Ballots spoiled or cancelled");
        int inBox = ask(in, out, "Ballots found in the box");
        int invalid = ask(in, out, "Invalid ballots");
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (Candidate c : race.candidates()) {
            votes.put(c.id(), ask(in, out, "Votes for " + c.name()));
        }
        return new TallyForm(race.id(), registered, received, unused, spoiled, inBox, invalid, votes, null);
    }

    private static int ask(BufferedReader in, PrintStream out, String label) throws IOException {
        while (true) {
            out.print(label + ": ");
            out.flush();
            String line = in.readLine();
            if (line == null) {
                throw new AgentException("input ended before '" + label + "' was entered");
            }
            try {
                int n = Integer.parseInt(line.strip());
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // asked again below
            }
            out.println("  please enter a whole number, 0 or more");
        }
    }

    private static int number(String where, String field, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new AgentException(where + ": '" + field + "' must be a whole number, found: '" + value + "'");
        }
    }

    private static Instant instant(String where, String value) {
        try {
            return Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new AgentException(where + ": closedAt must look like 2026-11-22T18:00:00Z, found: '" + value + "'");
        }
    }
}
