package org.rts.hub.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The off-the-shelf verification recipe exactly as {@code VERIFY.md} gives it: its shell block (openssl, npm,
 * node) and its {@code verify-export.mjs}, run in an export folder.
 */
record Recipe(String shell, String script) {
    record Run(int exit, String output) {
    }

    static Recipe fromVerifyMd() throws IOException {
        Path doc = Path.of("").toAbsolutePath();
        while (doc != null && !Files.exists(doc.resolve("VERIFY.md"))) {
            doc = doc.getParent();
        }
        if (doc == null) {
            throw new IOException("VERIFY.md not found above " + Path.of("").toAbsolutePath());
        }
        String text = Files.readString(doc.resolve("VERIFY.md"));
        return new Recipe(block(text, "sh\n# in the export folder", "# in the export folder"), block(text, "js\n", ""));
    }

    private static String block(String text, String opening, String keep) throws IOException {
        Matcher m = Pattern.compile("```" + Pattern.quote(opening) + "(.*?)```", Pattern.DOTALL).matcher(text);
        if (!m.find()) {
            throw new IOException("no ```" + opening.strip() + " block in VERIFY.md");
        }
        return keep + m.group(1);
    }

    /** Runs the recipe in {@code export} with {@code caSha256} as the fingerprint the commission published. */
    Run run(Path export, String caSha256) throws IOException, InterruptedException {
        Files.writeString(export.resolve("verify-export.mjs"), script, StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "set -e\n" + shell).directory(export.toFile())
                .redirectErrorStream(true);
        builder.environment().put("CA_SHA256", caSha256);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("the recipe did not finish in 5 minutes: " + output);
        }
        return new Run(p.exitValue(), output);
    }
}
