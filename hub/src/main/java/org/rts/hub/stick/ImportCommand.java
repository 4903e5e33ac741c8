package org.rts.hub.stick;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.hub.forward.Forwarding;
import org.rts.hub.intake.Intake;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.store.MessageStore;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Verification;
import org.rts.protocol.Topics;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.merkle.ReceiptLog;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hub import DIR}: a USB stick's messages through the same intake as the broker's, with their receipts
 * written back on the stick. It keeps a receipt log of its own ({@code <client-id>-import}), as a second hub on the
 * same store does, so it may run beside the hub.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Take the signed messages a unit wrote on a USB stick ('device-agent export-outbox'): each is"
                + " checked and stored as if it had come over the network, and its receipt written back on the stick.")
public final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The stick (its mount point).")
    Path stick;

    @picocli.CommandLine.Mixin
    org.rts.hub.HubMain.StoreOptions stored;

    @Option(names = "--forward", paramLabel = "URL", description = "The tally centres the hub forwards results to,"
            + " as given to 'hub run': the results accepted here are queued for them.")
    List<URI> forward = new ArrayList<>();

    @Override
    public Integer call() {
        ElectionFiles files = stored.files();
        String location = stored.location();
        X509CertificateHolder ca = Pem.readCertificate(files.caCertificate());
        Election ballot = Election.readSigned(files.ballot(), ca);
        RegistryWatch registry = new RegistryWatch(files.registry(), files.crl(), ca, ballot.id());
        X509CertificateHolder hubCert = Pem.readCertificate(files.hubCertificate());
        Clock clock = Clock.systemUTC();
        try (MessageStore messages = MessageStore.open(location)) {
            Forwarding forwarding = new Forwarding(forward, Set.of(Topics.RESULT), null);
            messages.forwardTo(forwarding.names(), forwarding.kinds());
            ReceiptLog log = new ReceiptLog(ballot.id(), "rts-hub-" + ballot.id() + "-import",
                    new ReceiptIssuer(Pem.readPrivateKey(files.hubKey()), hubCert).signer());
            messages.load(log);
            Intake intake = new Intake(ballot, new Verification(new Authenticator(ballot, registry::current)),
                    messages, log, clock);
            List<StickImport.Outcome> outcomes = StickImport.run(stick, ballot.id(), (topic, bytes) ->
                    intake.process(topic, bytes, "usb"),
                    Certificates.publicKey(hubCert));
            outcomes.forEach(System.out::println);
            long accepted = outcomes.stream().filter(o -> o.receipt() != null
                    && o.receipt().status() == Receipt.Status.ACCEPTED).count();
            long refused = outcomes.stream().filter(o -> o.receipt() == null).count();
            System.out.printf("%d file(s): %d accepted, %d answered otherwise, %d not taken; receipts written on %s"
                    + " for 'device-agent import-receipts'%n", outcomes.size(), accepted,
                    outcomes.size() - accepted - refused, refused, stick);
            return refused == 0 ? 0 : 1;
        }
    }
}
