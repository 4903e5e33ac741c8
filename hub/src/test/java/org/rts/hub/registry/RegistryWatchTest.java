package org.rts.hub.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.revocation.Revocation;

/** The registry in force comes only from files the election authority signed, never older than what it replaces. */
class RegistryWatchTest {
    @TempDir
    Path dir;

    private TestElection election;
    private X509CertificateHolder ca;
    private RegistryWatch watch;

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        ca = Pem.readCertificate(election.files.caCertificate());
        watch = new RegistryWatch(election.files.registry(), election.files.crl(), ca, election.id);
    }

    private RegisteredDevice dev1() {
        X509CertificateHolder cert = Pem.readCertificate(election.files.bundle("dev-1").deviceCertificate());
        return watch.current().byThumbprint(Certificates.thumbprint(cert)).orElseThrow();
    }

    private void revoke(String device) {
        new Revocation(ElectionAuthority.load(election.files, TestElection.CLOCK)).revoke(device);
    }

    @Test
    void the_registry_in_force_has_every_certificate_and_its_version() {
        assertEquals(3, watch.current().size());
        assertEquals(4, watch.current().version(), "created, then three enrolments");
        assertEquals(4, watch.current().crl().number().longValue());
    }

    @Test
    void a_registry_listing_a_certificate_the_ca_did_not_issue_or_without_station_is_refused() {
        var authority = ElectionAuthority.load(election.files, TestElection.CLOCK);
        var before = authority.registry();
        TestElection other = new TestElection(dir.resolve("other"), "tcp://127.0.0.1:1883", Mode.LIVE);
        var foreign = Pem.readCertificate(other.files.bundle("dev-1").deviceCertificate());
        authority.save(before.with(new org.rts.protocol.files.Registry.Entry("dev-9", "S-1", Pem.encode(foreign),
                org.rts.protocol.files.Registry.Status.ACTIVE, TestElection.NOW, null)));
        var e = assertThrows(org.rts.hub.HubException.class, () -> new RegistryWatch(election.files.registry(),
                election.files.crl(), ca, election.id));
        assertTrue(e.getMessage().contains("was not issued by"), e.getMessage());
        var hubCert = Pem.readCertificate(election.files.hubCertificate());
        authority.save(before.with(new org.rts.protocol.files.Registry.Entry("dev-9", "S-1", Pem.encode(hubCert),
                org.rts.protocol.files.Registry.Status.ACTIVE, TestElection.NOW, null)));
        e = assertThrows(org.rts.hub.HubException.class, () -> new RegistryWatch(election.files.registry(),
                election.files.crl(), ca, election.id));
        assertTrue(e.getMessage().contains("carries no station binding"), e.getMessage());
    }

    @Test
    void a_crl_update_alone_with_the_same_number_changes_nothing_and_a_higher_one_applies() throws Exception {
        X509CertificateHolder cert = Pem.readCertificate(election.files.bundle("dev-1").deviceCertificate());
        CertificateIssuer issuer = new CertificateIssuer(ca, Pem.readPrivateKey(election.files.caKey()));
        long number = watch.current().crl().number().longValue();
        Pem.write(election.files.crl(), Pem.encode(issuer.crl(Map.of(cert.getSerialNumber(), TestElection.NOW),
                BigInteger.valueOf(number), TestElection.NOW, Duration.ofDays(30))), false);
        watch.reloadIfChanged();
        assertFalse(dev1().revoked(), "the same number again is not a new list");
        Pem.write(election.files.crl(), Pem.encode(issuer.crl(Map.of(cert.getSerialNumber(), TestElection.NOW),
                BigInteger.valueOf(number - 1), TestElection.NOW, Duration.ofDays(30))), false);
        watch.reloadIfChanged();
        assertFalse(dev1().revoked(), "an older list is refused");
    }

    @Test
    void a_newer_registry_with_the_crl_in_force_is_taken() throws Exception {
        CertificateIssuer issuer = new CertificateIssuer(ca, Pem.readPrivateKey(election.files.caKey()));
        long number = watch.current().crl().number().longValue();
        revoke("dev-1"); // registry and CRL one number up
        Pem.write(election.files.crl(), Pem.encode(issuer.crl(Map.of(), BigInteger.valueOf(number),
                TestElection.NOW, Duration.ofDays(30))), false);
        watch.reloadIfChanged();
        assertTrue(dev1().revoked(), "the registry alone withdraws the certificate");
        assertEquals(number, watch.current().crl().number().longValue());
    }

    @Test
    void a_revocation_signed_by_the_authority_takes_effect() {
        assertFalse(dev1().revoked());
        revoke("dev-1");
        watch.reloadIfChanged();
        assertTrue(dev1().revoked());
    }

    @Test
    void an_unsigned_or_edited_registry_is_refused_and_the_previous_one_stays() throws Exception {
        Path registry = election.files.registry();
        // un-revoking by hand: the edit no longer matches the authority's signature
        revoke("dev-1");
        watch.reloadIfChanged();
        long version = watch.current().version();
        Files.writeString(registry, Files.readString(registry).replace("\"REVOKED\"", "\"ACTIVE\"")
                .replace("\"version\" : " + version, "\"version\" : " + (version + 1)));
        watch.reloadIfChanged();
        assertTrue(dev1().revoked());
        assertEquals(version, watch.current().version());
        Files.delete(SignedFile.signatureOf(registry));
        watch.reloadIfChanged();
        assertTrue(dev1().revoked());
        assertThrows(ProtocolException.class, () -> new RegistryWatch(registry, election.files.crl(), ca,
                election.id), "the hub does not start on an unsigned registry");
    }

    @Test
    void an_older_signed_registry_is_refused() throws Exception {
        Path registry = election.files.registry();
        Path oldRegistry = dir.resolve("registry.old");
        Path oldSignature = dir.resolve("registry.sig.old");
        Files.copy(registry, oldRegistry);
        Files.copy(SignedFile.signatureOf(registry), oldSignature);
        revoke("dev-1");
        watch.reloadIfChanged();
        Files.copy(oldRegistry, registry, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(oldSignature, SignedFile.signatureOf(registry), StandardCopyOption.REPLACE_EXISTING);
        watch.reloadIfChanged();
        assertTrue(dev1().revoked(), "an old copy cannot un-revoke a unit");
    }

    @Test
    void the_crl_alone_is_enough_to_revoke() throws Exception {
        X509CertificateHolder cert = Pem.readCertificate(election.files.bundle("dev-1").deviceCertificate());
        CertificateIssuer issuer = new CertificateIssuer(ca, Pem.readPrivateKey(election.files.caKey()));
        Pem.write(election.files.crl(), Pem.encode(issuer.crl(Map.of(cert.getSerialNumber(), TestElection.NOW),
                BigInteger.valueOf(100), TestElection.NOW, Duration.ofDays(30))), false);
        watch.reloadIfChanged();
        assertTrue(dev1().revoked());
        assertEquals("on the election CA's revocation list", dev1().revocation());
    }

    @Test
    void a_crl_not_signed_by_the_election_ca_is_refused() throws Exception {
        TestElection other = new TestElection(dir.resolve("other"), "tcp://127.0.0.1:1883", Mode.LIVE);
        Files.copy(other.files.crl(), election.files.crl(), StandardCopyOption.REPLACE_EXISTING);
        revoke("dev-2"); // the registry changes too, so a reload is attempted with the foreign CRL in place
        Files.copy(other.files.crl(), election.files.crl(), StandardCopyOption.REPLACE_EXISTING);
        long before = watch.current().version();
        watch.reloadIfChanged();
        assertEquals(before, watch.current().version());
    }
}
