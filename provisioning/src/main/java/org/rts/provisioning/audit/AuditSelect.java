package org.rts.provisioning.audit;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.protocol.audit.AuditSelection;
import org.rts.protocol.election.Election;
import org.rts.protocol.pki.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code provisioning audit-select}: the stations a hand-count audit takes, from the public seed and the signed
 * ballot definition, as anyone can choose them again (VERIFY.md).
 */
@Command(name = "audit-select", mixinStandardHelpOptions = true,
        description = "Choose the stations of a hand-count audit from a public seed (dice rolled in public, say):"
                + " each station's key is SHA-256 of '<election id> LF <seed> LF <station id>', lowest keys first.")
public final class AuditSelect implements Callable<Integer> {
    @Option(names = "--ballot", required = true, paramLabel = "FILE",
            description = "The signed ballot definition: election.json of the election folder or of an export"
                    + " (its .sig beside it).")
    Path ballot;

    @Option(names = "--ca", required = true, paramLabel = "FILE",
            description = "The CA certificate the commission published; the ballot's signature is checked with it.")
    Path ca;

    @Option(names = "--seed", required = true, description = "The seed exactly as announced, e.g. \"3 5 1 6 2 4\".")
    String seed;

    @Option(names = "--count", required = true, description = "Stations to take, in all or per constituency.")
    int count;

    @Option(names = "--per-constituency", description = "Take --count stations in each constituency.")
    boolean perConstituency;

    @Override
    public Integer call() {
        X509CertificateHolder authority = Pem.readCertificate(ca);
        Election election = Election.readSigned(ballot, authority);
        List<AuditSelection.Pick> picks = AuditSelection.select(election, seed, count, perConstituency);
        System.out.printf("# election %s, CA SHA-256 %s, seed \"%s\", %d station(s)%s%n", election.id(),
                fingerprint(authority), seed, count, perConstituency ? " per constituency" : "");
        picks.forEach(p -> System.out.println(p.line()));
        return 0;
    }

    private static String fingerprint(X509CertificateHolder cert) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(cert.getEncoded()));
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
