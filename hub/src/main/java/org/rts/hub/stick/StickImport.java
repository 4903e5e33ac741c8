package org.rts.hub.stick;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.rts.hub.HubException;
import org.rts.hub.intake.Intake;
import org.rts.hub.validation.Authenticator;
import org.rts.protocol.Topics;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.stick.Stick;

/**
 * A USB stick's messages fed to the hub's intake, each as if it had arrived over MQTT (same checks, same store,
 * same receipt), and each receipt written back beside its message for the unit to take. A bad file (altered,
 * foreign, truncated, a link, far too large) gets its reason and nothing else is affected: the stick is read one
 * plain file at a time, links are never followed, and no file larger than a message can be is read.
 */
public final class StickImport {
    private StickImport() {
    }

    /** What became of one file of the stick: {@code receipt} the hub's answer, or null with {@code problem}. */
    public record Outcome(Path file, Receipt receipt, String problem) {
        @Override
        public String toString() {
            return file.getFileName() + ": " + (receipt == null ? problem : receipt.status() + " " + receipt.code()
                    + (receipt.reasons().isEmpty() ? "" : " " + receipt.reasons()));
        }
    }

    /**
     * Imports the messages of {@code election} on {@code stick}; {@code intake} decides one message (its topic and
     * bytes) and gives the hub's receipt, which {@code hubKey} reads back for the outcome.
     */
    public static List<Outcome> run(Path stick, String election, BiFunction<String, byte[], Optional<Intake.Answer>>
            intake, ECPublicKeyParameters hubKey) {
        Path root = stick.resolve(Stick.ROOT);
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new HubException("no " + Stick.ROOT + " folder on " + stick + ": is the stick mounted there, and"
                    + " was it written by 'device-agent export-outbox'?");
        }
        List<Outcome> out = new ArrayList<>();
        for (Path dir : list(root)) {
            if (!dir.getFileName().toString().equals(election)) {
                out.add(new Outcome(dir, null, "messages of another election (" + dir.getFileName() + "): not"
                        + " imported here"));
            } else if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                out.add(new Outcome(dir, null, "not a plain folder (a link or a file): not followed"));
            } else {
                for (Path unit : list(dir)) {
                    if (!Files.isDirectory(unit, LinkOption.NOFOLLOW_LINKS)) {
                        out.add(new Outcome(unit, null, "not a plain folder (a link or a file): not followed"));
                        continue;
                    }
                    for (Path file : list(unit)) {
                        String name = file.getFileName().toString();
                        if (!name.endsWith(".receipt") && !name.endsWith(".part")) {
                            out.add(take(file, election, unit.getFileName().toString(), intake, hubKey));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static Outcome take(Path file, String election, String device,
                                BiFunction<String, byte[], Optional<Intake.Answer>> intake, ECPublicKeyParameters hubKey) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return new Outcome(file, null, "not a plain file (a link or a folder): not followed");
            }
            String kind = Stick.kind(file);
            if (kind == null) {
                return new Outcome(file, null, "not a message file (NNNNNN-kind.jws): not read");
            }
            long size = Files.size(file);
            if (size > Authenticator.MAX_BYTES) {
                return new Outcome(file, null, size + " bytes, larger than any message (" + Authenticator.MAX_BYTES
                        + "): not read");
            }
            byte[] bytes = Files.readAllBytes(file);
            Optional<Intake.Answer> answer;
            try {
                answer = intake.apply(Topics.report(election, device, kind), bytes);
            } catch (IllegalArgumentException e) {
                return new Outcome(file, null, "not taken: " + e.getMessage());
            }
            if (answer.isEmpty()) {
                return new Outcome(file, null, "not taken: the folder or file name is not a unit's report topic");
            }
            Stick.write(Stick.receiptFile(file), answer.get().receipt());
            return new Outcome(file, LoggedReceipt.decode(answer.get().receipt()).check(hubKey, election).receipt(),
                    null);
        } catch (IOException e) {
            return new Outcome(file, null, "cannot read it or write its receipt: " + e.getMessage());
        }
    }

    private static List<Path> list(Path dir) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(entries::add);
        } catch (IOException e) {
            throw new HubException("cannot read " + dir + " on the stick: " + e.getMessage(), e);
        }
        entries.sort(null);
        return entries;
    }
}
