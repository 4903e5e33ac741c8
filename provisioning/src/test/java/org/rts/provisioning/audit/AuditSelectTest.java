package org.rts.provisioning.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.provisioning.ProvisioningMain;

/** {@code provisioning audit-select} and the VERIFY.md script choose the same stations from the same seed. */
class AuditSelectTest {
    @TempDir
    Path dir;

    @Test
    void the_command_and_the_verify_md_script_take_the_same_stations() throws Exception {
        Path election = dir.resolve("el");
        Path examples = examples();
        assertEquals(0, ProvisioningMain.run("init", "--dir", election.toString(), "--ballot",
                examples.resolve("ballot-constituencies.json").toString()));
        Path ballot = election.resolve("election.json");
        Path ca = election.resolve("ca/ca.pem");
        for (List<String> choice : List.of(List.of("3 5 1 6 2 4 6 1", "2"), List.of("dice: 1 1 4", "1",
                "per-constituency"))) {
            String seed = choice.get(0);
            boolean per = choice.size() > 2;
            String ours = stdoutOf(per
                    ? new String[] {"audit-select", "--ballot", ballot.toString(), "--ca", ca.toString(), "--seed",
                        seed, "--count", choice.get(1), "--per-constituency"}
                    : new String[] {"audit-select", "--ballot", ballot.toString(), "--ca", ca.toString(), "--seed",
                        seed, "--count", choice.get(1)});
            List<String> lines = ours.lines().filter(l -> !l.startsWith("#")).toList();
            assertTrue(!lines.isEmpty() && lines.get(0).startsWith("1 S-"), ours);
            assertEquals(lines, recipe(ballot, seed, choice.get(1), per ? "per-constituency" : ""),
                    "the VERIFY.md script chooses the same stations");
        }
        assertEquals(1, ProvisioningMain.run("audit-select", "--ballot", ballot.toString(), "--ca", ca.toString(),
                "--seed", "3 5 ", "--count", "1"), "a seed with a space at its end is refused");
    }

    private static Path examples() {
        Path here = Path.of("").toAbsolutePath();
        while (!Files.exists(here.resolve("VERIFY.md"))) {
            here = here.getParent();
        }
        return here.resolve("examples");
    }

    private List<String> recipe(Path ballot, String seed, String count, String per) throws Exception {
        String doc = Files.readString(examples().getParent().resolve("VERIFY.md"));
        Matcher m = Pattern.compile("```js audit-select\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(m.find(), "VERIFY.md has the script");
        Path script = Files.writeString(dir.resolve("audit-select.mjs"), m.group(1));
        Process p = new ProcessBuilder("node", script.toString(), ballot.toString(), seed, count, per)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static String stdoutOf(String... args) throws IOException {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, ProvisioningMain.run(args));
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
