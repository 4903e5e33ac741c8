package org.rts.provisioning.enrolment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

    /** What enrolment did, for the technician's screen. */
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

    /** Units enrolled from now on get {@code unitSetup} (profile and language) in their signed configuration. */
    public Enrolment withSetup(UnitSetup unitSetup) {
        this.setup = unitSetup;
        return this;
    }

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
        return enrolChecked(check(new Plan(expectedDevice, stationId, csrFile), authority.election(),
                authority.registry(), brokerUrl));
    }

    /** Enrols every unit of a plan, after checking the whole plan; a refused plan writes nothing. */
    public List<Outcome> enrolBatch(List<Plan> plan, String brokerUrl) {
        Election election = authority.election();
        Registry registry = authority.registry();
        var devices = new HashSet<String>();
        Map<String, String> stationTaken = new HashMap<>();
        List<Checked> checked = new ArrayList<>();
        for (Plan p : plan) {
            if (!devices.add(p.device())) {
                throw new ProvisioningException("device " + p.device() + " appears twice in the plan: fix the plan,"
                        + " nothing was enrolled");
            }
            Checked c = check(p, election, registry, brokerUrl);
            String other = stationTaken.put(p.station(), p.device());
            if (other != null && election.mode() == Mode.LIVE) {
                throw new ProvisioningException("station " + p.station() + " is planned for both " + other + " and "
                        + p.device() + ": one device per station in a live election; nothing was enrolled");
            }
            checked.add(c);
        }
        return checked.stream().map(this::enrolChecked).toList();
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
                throw new ProvisioningException(csv + " line " + (i + 1) + ": expected 'device,station', found: "
                        + line);
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
        requireStationFree(election, registry, newStation, deviceId);
        X509CertificateHolder old = Pem.parseCertificate(current.certificate());
        DeviceConfig config = JsonFiles.read(authority.files().bundle(deviceId).config(), DeviceConfig.class,
                "device configuration");
        Checked c = new Checked(deviceId, newStation, Certificates.publicKey(old), config.brokerUrl(), election,
                new UnitSetup(config.profile(), config.language()));
        Registry withdrawn = registry.changeActive(deviceId,
                e -> e.withdrawn(Registry.Status.REVOKED, authority.clock().instant()));
        Outcome outcome = issue(c, withdrawn);
        LOG.info("device {} re-assigned from {} to {}; old certificate revoked", deviceId, current.station(),
                newStation);
        return outcome;
    }

    private record Checked(String device, String station, ECPublicKeyParameters key, String broker,
                           Election election, UnitSetup setup) {
    }

    private Checked check(Plan p, Election election, Registry registry, String brokerUrl) {
        DeviceConfig.requireBrokerUrl("broker", brokerUrl);
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
        var active = registry.active(device);
        if (active.isPresent()) {
            boolean same = active.get().station().equals(p.station()) && org.rts.protocol.pki.Keys.samePublicKey(
                    Certificates.publicKey(Pem.parseCertificate(active.get().certificate())), request.publicKey());
            if (!same) {
                throw new ProvisioningException("device " + device + " is already enrolled for station "
                        + active.get().station() + ": use 'provisioning reassign' to move it, or 'revoke' it first");
            }
            return new Checked(device, p.station(), request.publicKey(), brokerUrl, election, setup);
        }
        requireStationFree(election, registry, p.station(), device);
        return new Checked(device, p.station(), request.publicKey(), brokerUrl, election, setup);
    }

    private static void requireStationFree(Election election, Registry registry, String station, String device) {
        if (election.mode() != Mode.LIVE) {
            return; // a drill may train several units on one station
        }
        for (Registry.Entry holder : registry.activeForStation(station)) {
            if (!holder.device().equals(device)) {
                throw new ProvisioningException("station " + station + " already has device " + holder.device()
                        + " in this live election: revoke or re-assign that device first");
            }
        }
    }

    private Outcome enrolChecked(Checked c) {
        Registry registry = authority.registry();
        var active = registry.active(c.device());
        if (active.isPresent()) {
            X509CertificateHolder cert = Pem.parseCertificate(active.get().certificate());
            return new Outcome(c.device(), c.station(), Certificates.thumbprint(cert),
                    authority.files().bundle(c.device()), false);
        }
        return issue(c, registry);
    }

    private Outcome issue(Checked c, Registry registry) {
        Instant now = authority.clock().instant();
        X509CertificateHolder cert = authority.issuer().deviceCertificate(c.election().id(), c.device(), c.station(),
                c.key(), now.minus(ElectionSetup.BACKDATE), ElectionSetup.VALIDITY);
        BundleFiles bundle = authority.files().bundle(c.device());
        Pem.writeCertificate(bundle.deviceCertificate(), cert);
        Pem.writeCertificate(bundle.caCertificate(), authority.issuer().caCertificate());
        Pem.writeCertificate(bundle.hubCertificate(), Pem.readCertificate(authority.files().hubCertificate()));
        copy(authority.files().ballot(), bundle.ballot());
        copy(SignedFile.signatureOf(authority.files().ballot()), SignedFile.signatureOf(bundle.ballot()));
        JsonFiles.write(bundle.config(), new DeviceConfig(c.device(), c.election().id(), c.station(), c.broker(),
                c.setup().profile(), c.setup().language()));
        authority.sign(bundle.config());
        String thumbprint = Certificates.thumbprint(cert);
        Labels.write(bundle.dir(), c.election().id(), c.device(), c.station(), thumbprint);
        // the registry entry comes last: a device is enrolled only once its whole bundle is on disk
        authority.save(registry.with(new Registry.Entry(c.device(), c.station(), Pem.encode(cert),
                Registry.Status.ACTIVE, now, null)));
        LOG.info("device {} enrolled for station {} (certificate {})", c.device(), c.station(), thumbprint);
        return new Outcome(c.device(), c.station(), thumbprint, bundle, true);
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ProvisioningException("cannot copy " + from + " to " + to + ": " + e.getMessage());
        }
    }
}
