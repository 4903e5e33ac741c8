package org.rts.demo.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A ballot with the shape of a national election, written as a commission hands it over: the election's header
 * (JSON: id, mode, constituencies), the station list and the candidate lists as CSV, and the enrolment plan. Station
 * {@code i} belongs to polling centre {@code i * 8,300 / stations} and constituency {@code i * constituencies /
 * stations}; constituency {@code k} lies in region {@code k * 18 / constituencies}.
 */
public record NationalBallot(Path header, Path stationsCsv, Path candidatesCsv, Path plan) {
    private static final int CENTRES = 8_300;
    private static final String[] REGIONS = {"Baghdad", "Basra", "Nineveh", "Erbil", "Sulaymaniyah", "Duhok",
        "Kirkuk", "Diyala", "Anbar", "Babil", "Karbala", "Najaf", "Wasit", "Maysan", "Dhi Qar", "Muthanna",
        "Qadisiyah", "Saladin"};

    public static String device(int i) {
        return String.format("unit-%05d", i);
    }

    static String station(int i) {
        return String.format("S-%05d", i);
    }

    public static NationalBallot write(Path dir, String id, int stations, int constituencies, int candidates) {
        try {
            Files.createDirectories(dir);
            NationalBallot b = new NationalBallot(dir.resolve("election.json"), dir.resolve("stations.csv"),
                    dir.resolve("candidates.csv"), dir.resolve("plan.csv"));
            StringBuilder header = new StringBuilder("{\n  \"id\": \"" + id + "\",\n  \"name\": \"National"
                    + " election (benchmark)\",\n  \"mode\": \"LIVE\",\n  \"constituencies\": [\n");
            for (int k = 0; k < constituencies; k++) {
                header.append(String.format("    { \"id\": \"%s\", \"name\": \"الدائرة %d\", \"region\": \"%s\" }%s%n",
                        constituency(k), k + 1, REGIONS[k * REGIONS.length / constituencies],
                        k + 1 < constituencies ? "," : ""));
            }
            header.append("  ]\n}\n");
            Files.writeString(b.header(), header);
            try (Writer w = Files.newBufferedWriter(b.candidatesCsv(), StandardCharsets.UTF_8)) {
                w.write("race,race_name,constituency,candidate,candidate_name\n");
                for (int k = 0; k < constituencies; k++) {
                    for (int c = 1; c <= candidates; c++) {
                        w.write(String.format("council-%s,\"مجلس النواب، %s\",%s,list-%03d,\"القائمة %d\"%n",
                                constituency(k), constituency(k), constituency(k), c, c));
                    }
                }
            }
            try (Writer s = Files.newBufferedWriter(b.stationsCsv(), StandardCharsets.UTF_8);
                 Writer p = Files.newBufferedWriter(b.plan(), StandardCharsets.UTF_8)) {
                s.write("station,name,centre,constituency,region,registered_voters,races\n");
                p.write("device,station\n");
                for (int i = 1; i <= stations; i++) {
                    int centre = (int) ((long) (i - 1) * CENTRES / stations) + 1;
                    int k = (int) ((long) (i - 1) * constituencies / stations);
                    s.write(String.format("%s,\"مركز %d، محطة %d\",C-%04d,%s,,%d,%n", station(i), centre, i, centre,
                            constituency(k), 400 + i % 200));
                    p.write(device(i) + "," + station(i) + "\n");
                }
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String constituency(int k) {
        return String.format("c%02d", k + 1);
    }
}
