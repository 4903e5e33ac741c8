package org.rts.provisioning.audit;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code provisioning verify-export}: an observer's check of a hub's export, printed line by line. */
@Command(name = "verify-export", mixinStandardHelpOptions = true,
        description = "Check a hub's observer export completely (signatures, chains, counts, tally); exit 0 when"
                + " it holds, 1 when anything is wrong.")
public final class VerifyExport implements Callable<Integer> {
    @CommandLine.Parameters(paramLabel = "DIR", description = "The export folder written by 'hub export'.")
    Path dir;

    @Option(names = "--ca", paramLabel = "FILE", description = "The CA certificate the commission published:"
            + " the export must hold this one.")
    Path ca;

    @Option(names = "--tree-head", paramLabel = "FILE", arity = "1..*", description = "A tree head the hub"
            + " signed, or a receipt as a unit got it (one a file): the export's receipt log must still contain"
            + " the tree it describes.")
    List<Path> treeHeads = List.of();

    @Override
    public Integer call() {
        ExportVerifier.Result result = ExportVerifier.verify(dir, ca, treeHeads);
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
