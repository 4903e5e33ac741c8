package org.rts.provisioning.audit;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code provisioning verify-export}: an observer's check of a hub's export, printed line by line. */
@Command(name = "verify-export", mixinStandardHelpOptions = true,
        description = "Check a hub's observer export completely (signatures, chains, counts, tally) under the CA"
                + " the commission published (--ca or --ca-sha256); exit 0 when it holds, 1 when anything is wrong"
                + " or no CA was pinned.")
public final class VerifyExport implements Callable<Integer> {
    @CommandLine.Parameters(paramLabel = "DIR", description = "The export folder written by 'hub export'.")
    Path dir;

    @Option(names = "--ca", paramLabel = "FILE", description = "The CA certificate the commission published:"
            + " the export must hold this one. This or --ca-sha256 is required: without a pin nothing is verified.")
    Path ca;

    @Option(names = "--ca-sha256", paramLabel = "HEX", description = "The SHA-256 fingerprint of the CA"
            + " certificate as the commission published it (openssl x509 -fingerprint -sha256; colons allowed).")
    String caSha256;

    @Option(names = "--tree-head", paramLabel = "FILE", arity = "1..*", description = "A tree head the hub"
            + " signed, or a receipt as a unit got it (one a file): the export's receipt log must still contain"
            + " the tree it describes.")
    List<Path> treeHeads = List.of();

    @Override
    public Integer call() {
        if (ca != null && caSha256 != null) {
            throw new IllegalArgumentException("give --ca or --ca-sha256, not both");
        }
        CaPin pin = ca != null ? CaPin.of(ca) : caSha256 != null ? CaPin.ofHex(caSha256) : null;
        ExportVerifier.Result result = ExportVerifier.verify(dir, pin, treeHeads);
        result.checked().forEach(line -> System.out.println("checked: " + line));
        result.problems().forEach(line -> System.out.println("PROBLEM: " + line));
        if (result.moreProblems() > 0) {
            System.out.println("PROBLEM: ... and " + result.moreProblems() + " more");
        }
        System.out.println(result.ok() ? "export verified: " + dir : "export NOT verified: "
                + (result.problems().size() + result.moreProblems()) + " problems");
        return result.ok() ? 0 : 1;
    }
}
