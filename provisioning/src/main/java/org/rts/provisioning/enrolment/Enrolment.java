package org.rts.provisioning.enrolment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.rts.protocol.Ids;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.BundleFiles;
import org.rts.protocol.files.DeviceConfig;
import org.rts.protocol.files.Registry;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Csr;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.PkiException;
import org.rts.provisioning.ProvisioningException;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;
import org.rts.provisioning.label.Labels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrols devices from their certificate requests (the key is made on the unit and never leaves it): checks the
 * request, issues a certificate bound to one station, writes the unit's bundle (certificates and the signed
 * configuration, no key) and its registry entry, last. Re-running for an enrolled unit with the same key and
 * station changes nothing; every refusal happens before anything is written.
 */
public final class Enrolment {
    private static final Logger LOG = LoggerFactory.getLogger(Enrolment.class);

    private final ElectionAuthority authority;

    public Enrolment(ElectionAuthority authority) {
        this.authority = authority;
    }

    /**
     * How the units enrolled from now on are set up: their hardware profile (a built-in name or a profile file on
     * the unit; null: simulated) and the language the officer reads (null: Arabic).
     */
    public record UnitSetup(String profile, String language) {
        public static final UnitSetup DEFAULT = new UnitSetup(null, null);

        public UnitSetup {
            if (language != null && !DeviceConfig.LANGUAGES.contains(language)) {
                throw new ProvisioningException("language must be one of " + DeviceConfig.LANGUAGES + ", found: "
                        + language);
            }
        }
    }

    private UnitSetup setup = UnitSetup.DEFAULT;
    private Consumer<Registry> progress = r -> { };

    /** Units enrolled from now on get {@code unitSetup} (profile and language) in their signed configuration. */
    public Enrolment withSetup(UnitSetup unitSetup) {
        this.setup = unitSetup;
        return this;
    }

    /** {@code listener} hears of every save of the registry during a batch (a technician's progress line). */
    public Enrolment withProgress(Consumer<Registry> listener) {
        this.progress = listener;
        return this;
    }

    /** What enrolment did, for the technician's screen. */
    public record Outcome(String device, String station, String thumbprint, BundleFiles bundle, boolean created) {
    }

    /** One line of a batch plan. */
    public record Plan(String device, String station, Path csr) {
    }

    /**
     * Enrols the unit whose request is in {@code csrFile}. {@code expectedDevice} is the id printed on the unit;
     * a request for another id is refused.
     */
    public Outcome enrol(Path csrFile, String expectedDevice, String stationId, String brokerUrl) {
        return enrol(csrFile, expectedDevice, stationId, List.of(DeviceConfig.requireBrokerUrl("broker", brokerUrl)));
    }

    /** As {@link #enrol(Path, String, String, String)} for a unit that may use any of several edge brokers. */
    public Outcome enrol(Path csrFile, String expectedDevice, String stationId, List<String> brokerUrls) {
        List<String> brokers = brokers(brokerUrls);
        return enrolChecked(check(new Plan(expectedDevice, stationId, csrFile), authority.election(),
                new Holders(authority.registry()), brokers));
    }

    /** Every broker address checked as the technician gave it ({@code --broker}, once per edge). */
    private static List<String> brokers(List<String> brokerUrls) {
        if (brokerUrls != null) {
            brokerUrls.forEach(url -> DeviceConfig.requireBrokerUrl("broker", url));
        }
        return DeviceConfig.requireBrokerUrls("broker", brokerUrls);
    }

    /**
     * Enrols every unit of a plan, after checking the whole plan; a refused plan writes nothing. The registry is
     * saved after every {@link #SAVE_EVERY} units (or a quarter of it) and at the end, so a batch stopped by a crash or
     * {@code kill -9} is run again as it was: the units the registry holds are skipped (their bundle written again if
     * it is not whole), the others enrolled, none twice.
     */
    public List<Outcome> enrolBatch(List<Plan> plan, String brokerUrl) {
        return enrolBatch(plan, List.of(DeviceConfig.requireBrokerUrl("broker", brokerUrl)));
    }

    /** As {@link #enrolBatch(List, String)}: every unit of the plan may use any of the edge brokers. */
    public List<Outcome> enrolBatch(List<Plan> plan, List<String> brokerUrls) {
        List<String> brokers = brokers(brokerUrls);
        Election election = authority.election();
        Registry registry = authority.registry();
        Holders holders = new Holders(registry);
        var devices = new HashSet<String>();
        Map<String, String> stationTaken = new HashMap<>();
        List<Checked> checked = new ArrayList<>(plan.size());
        for (Plan p : plan) {
            if (!devices.add(p.device())) {
                throw new ProvisioningException("device " + p.device() + " appears twice in the plan: fix the plan,"
                        + " nothing was enrolled");
            }
            Checked c = check(p, election, holders, brokers);
            String other = stationTaken.put(p.station(), p.device());
            if (other != null && election.mode() == Mode.LIVE) {
                throw new ProvisioningException("station " + p.station() + " is planned for both " + other + " and "
                        + p.device() + ": one device per station in a live election; nothing was enrolled");
            }
            checked.add(c);
        }
        X509CertificateHolder hub = Pem.readCertificate(authority.files().hubCertificate());
        List<Outcome> outcomes = new ArrayList<>(checked.size());
        List<Registry.Entry> unsaved = new ArrayList<>();
        for (Checked c : checked) {
            Optional<Registry.Entry> enrolled = holders.active(c.device());
            if (enrolled.isPresent()) {
                outcomes.add(kept(c, enrolled.get(), hub));
                continue;
            }
            Issued issued = issue(c, hub);
            unsaved.add(issued.entry());
            outcomes.add(issued.outcome());
            if (unsaved.size() >= Math.max(SAVE_EVERY, registry.devices().size() / 4)) {
                registry = saveAll(registry, unsaved);
            }
        }
        saveAll(registry, unsaved);
        return outcomes;
    }

    /**
     * Units enrolled between two saves of the registry in a batch, at least; then a quarter of the registry, so that
     * the saves of a national batch write about five times the final registry in all, not once per thousand units.
     */
    static final int SAVE_EVERY = 1_000;

    private Registry saveAll(Registry registry, List<Registry.Entry> unsaved) {
        if (unsaved.isEmpty()) {
            return registry;
        }
        Registry saved = authority.save(registry.withAll(unsaved));
        unsaved.clear();
        progress.accept(saved);
        return saved;
    }

    /** Reads a batch plan: {@code device,station} lines; the request of each is {@code <csrDir>/<device>.csr}. */
    public static List<Plan> readPlan(Path csv, Path csrDir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (NoSuchFileException e) {
            throw new ProvisioningException("plan not found: " + csv);
        } catch (IOException e) {
            throw new ProvisioningException("cannot read plan " + csv + ": " + e.getMessage());
        }
        List<Plan> plan = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.equalsIgnoreCase("device,station")) {
                continue;
            }
            String[] parts = line.split(",", -1);
            if (parts.length != 2 || !Ids.isValid(parts[0].strip()) || !Ids.isValid(parts[1].strip())) {
                throw new ProvisioningException(csv + ":" + (i + 1) + ": expected 'device,station', found: " + line);
            }
            plan.add(new Plan(parts[0].strip(), parts[1].strip(), csrDir.resolve(parts[0].strip() + ".csr")));
        }
        return plan;
    }

    /** Issues a new certificate for the same key bound to another station and revokes the old one. */
    public Outcome reassign(String deviceId, String newStation) {
        Election election = authority.election();
        Registry registry = authority.registry();
        Registry.Entry current = registry.active(deviceId).orElseThrow(() -> new ProvisioningException(
                "device " + deviceId + " has no active certificate: enrol it instead"));
        if (current.station().equals(newStation)) {
            throw new ProvisioningException("device " + deviceId + " already serves station " + newStation);
        }
        new Holders(registry).requireStationFree(election, newStation, deviceId);
        X509CertificateHolder old = Pem.parseCertificate(current.certificate());
        DeviceConfig config = JsonFiles.read(authority.files().bundle(deviceId).config(), DeviceConfig.class,
                "device configuration");
        Checked c = new Checked(deviceId, newStation, Certificates.publicKey(old), config.brokerUrls(), election,
                new UnitSetup(config.profile(), config.language()));
        Registry withdrawn = registry.changeActive(deviceId,
                e -> e.withdrawn(Registry.Status.REVOKED, authority.clock().instant()));
        Issued issued = issue(c, Pem.readCertificate(authority.files().hubCertificate()));
        authority.save(withdrawn.with(issued.entry()));
        Outcome outcome = issued.outcome();
        LOG.info("device {} re-assigned from {} to {}; old certificate revoked", deviceId, current.station(),
                newStation);
        return outcome;
    }

    private record Checked(String device, String station, ECPublicKeyParameters key, List<String> brokers,
                           Election election, UnitSetup setup) {
    }

    private Checked check(Plan p, Election election, Holders holders, List<String> brokers) {
        Csr.Request request;
        try {
            request = Csr.read(p.csr());
        } catch (PkiException e) {
            throw new ProvisioningException(e.getMessage());
        }
        if (p.device() != null && !request.deviceId().equals(p.device())) {
            throw new ProvisioningException("certificate request " + p.csr() + " asks for device '"
                    + request.deviceId() + "', but this unit is " + p.device()
                    + ": take the request from the right unit");
        }
        String device = request.deviceId();
        if (!Ids.isValid(device) || CertificateIssuer.HUB_NAME.equals(device)) {
            throw new ProvisioningException("certificate request " + p.csr() + " names an invalid device id '"
                    + device + "'");
        }
        if (election.station(p.station()).isEmpty()) {
            throw new ProvisioningException("station '" + p.station() + "' is not in the ballot definition of "
                    + election.id() + ": check the station id");
        }
        var active = holders.active(device);
        if (active.isPresent()) {
            boolean same = active.get().station().equals(p.station()) && org.rts.protocol.pki.Keys.samePublicKey(
                    Certificates.publicKey(Pem.parseCertificate(active.get().certificate())), request.publicKey());
            if (!same) {
                throw new ProvisioningException("device " + device + " is already enrolled for station "
                        + active.get().station() + ": use 'provisioning reassign' to move it, or 'revoke' it first");
            }
            return new Checked(device, p.station(), request.publicKey(), brokers, election, setup);
        }
        holders.requireStationFree(election, p.station(), device);
        return new Checked(device, p.station(), request.publicKey(), brokers, election, setup);
    }

    /** The registry's active certificates by device and by station, looked up once per unit of a batch. */
    private static final class Holders {
        private final Map<String, Registry.Entry> byDevice = new HashMap<>();
        private final Map<String, List<String>> byStation = new HashMap<>();

        Holders(Registry registry) {
            for (Registry.Entry e : registry.devices()) {
                if (e.active()) {
                    byDevice.put(e.device(), e);
                    byStation.computeIfAbsent(e.station(), k -> new ArrayList<>()).add(e.device());
                }
            }
        }

        Optional<Registry.Entry> active(String device) {
            return Optional.ofNullable(byDevice.get(device));
        }

        void requireStationFree(Election election, String station, String device) {
            if (election.mode() != Mode.LIVE) {
                return; // a drill may train several units on one station
            }
            for (String holder : byStation.getOrDefault(station, List.of())) {
                if (!holder.equals(device)) {
                    throw new ProvisioningException("station " + station + " already has device " + holder
                            + " in this live election: revoke or re-assign that device first");
                }
            }
        }
    }

    private Outcome enrolChecked(Checked c) {
        Registry registry = authority.registry();
        X509CertificateHolder hub = Pem.readCertificate(authority.files().hubCertificate());
        var active = registry.active(c.device());
        if (active.isPresent()) {
            return kept(c, active.get(), hub);
        }
        Issued issued = issue(c, hub);
        authority.save(registry.with(issued.entry()));
        return issued.outcome();
    }

    /** An enrolled unit met again: its bundle is written again only when it is not whole (a batch cut short). */
    private Outcome kept(Checked c, Registry.Entry entry, X509CertificateHolder hub) {
        X509CertificateHolder cert = Pem.parseCertificate(entry.certificate());
        BundleFiles bundle = authority.files().bundle(c.device());
        if (!whole(bundle, entry.certificate())) {
            writeBundle(c, cert, hub, bundle);
            LOG.info("device {}: bundle written again from the registry's certificate", c.device());
        }
        return new Outcome(c.device(), c.station(), Certificates.thumbprint(cert), bundle, false);
    }

    private static boolean whole(BundleFiles bundle, String certificate) {
        try {
            for (Path f : List.of(bundle.caCertificate(), bundle.hubCertificate(), bundle.ballot(),
                    SignedFile.signatureOf(bundle.ballot()), bundle.config(), SignedFile.signatureOf(bundle.config()),
                    bundle.dir().resolve(Labels.PNG), bundle.dir().resolve(Labels.TEXT))) {
                if (!Files.isRegularFile(f) || Files.size(f) == 0) {
                    return false;
                }
            }
            return Files.isRegularFile(bundle.deviceCertificate())
                    && Files.readString(bundle.deviceCertificate()).strip().equals(certificate.strip());
        } catch (IOException e) {
            return false;
        }
    }

    private record Issued(Outcome outcome, Registry.Entry entry) {
    }

    /**
     * Issues the certificate and writes the unit's bundle; the caller saves the registry entry, after: a device is
     * enrolled only once its whole bundle is on disk.
     */
    private Issued issue(Checked c, X509CertificateHolder hub) {
        Instant now = authority.clock().instant();
        X509CertificateHolder cert = authority.issuer().deviceCertificate(c.election().id(), c.device(), c.station(),
                c.key(), now.minus(ElectionSetup.BACKDATE), ElectionSetup.VALIDITY);
        BundleFiles bundle = authority.files().bundle(c.device());
        String thumbprint = writeBundle(c, cert, hub, bundle);
        LOG.debug("device {} enrolled for station {} (certificate {})", c.device(), c.station(), thumbprint);
        return new Issued(new Outcome(c.device(), c.station(), thumbprint, bundle, true),
                new Registry.Entry(c.device(), c.station(), Pem.encode(cert), Registry.Status.ACTIVE, now, null));
    }

    /**
     * Certificates, the station's own extract of the ballot and the configuration, each signed by the authority,
     * and the label. Not forced to disk one by one: the registry saved after them is, and a bundle found not whole
     * when the batch runs again is written again.
     */
    private String writeBundle(Checked c, X509CertificateHolder cert, X509CertificateHolder hub, BundleFiles bundle) {
        Pem.writeCertificate(bundle.deviceCertificate(), cert);
        Pem.writeCertificate(bundle.caCertificate(), authority.issuer().caCertificate());
        Pem.writeCertificate(bundle.hubCertificate(), hub);
        authority.write(bundle.ballot(), c.election().extract(c.station()), false);
        authority.write(bundle.config(), new DeviceConfig(c.device(), c.election().id(), c.station(), c.brokers(),
                c.setup().profile(), c.setup().language()), false);
        String thumbprint = Certificates.thumbprint(cert);
        Labels.write(bundle.dir(), c.election().id(), c.device(), c.station(), thumbprint);
        return thumbprint;
    }
}
