package org.rts.protocol.pki;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.rts.protocol.Ids;

/**
 * The certificate profile of an election, in one place so that what is issued and what {@link Certificates} checks
 * cannot drift apart: a CA, the hub's receipt-signing certificate, device certificates bound to one station, and
 * the Kafka nodes' and clients' TLS certificates.
 */
public final class CertificateIssuer {
    /** Common name of the hub's certificate, and so its user name at the broker. */
    public static final String HUB_NAME = "hub";
    /**
     * Organisational unit of Kafka nodes' and clients' certificates. Kafka takes the CN as the principal only of a
     * subject with this unit, so no unit's certificate, though from the same CA, can stand for a node or client.
     */
    public static final String KAFKA_UNIT = "kafka";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AlgorithmIdentifier SIG = new DefaultSignatureAlgorithmIdentifierFinder()
            .find("SHA256withECDSA");
    private static final AlgorithmIdentifier DIGEST = new DefaultDigestAlgorithmIdentifierFinder().find(SIG);

    private final X509CertificateHolder caCertificate;
    private final ECPrivateKeyParameters caKey;

    public CertificateIssuer(X509CertificateHolder caCertificate, ECPrivateKeyParameters caKey) {
        if (!Keys.samePublicKey(Keys.publicOf(caKey), Certificates.publicKey(caCertificate))) {
            throw new PkiException("CA key does not match CA certificate " + caCertificate.getSubject());
        }
        this.caCertificate = caCertificate;
        this.caKey = caKey;
    }

    public X509CertificateHolder caCertificate() {
        return caCertificate;
    }

    /** A self-signed election CA certificate. */
    public static X509CertificateHolder selfSignedCa(String electionId, ECPrivateKeyParameters key, Instant from,
                                                     Duration validity) {
        X500Name name = name(electionId + " election CA", electionId);
        ECPublicKeyParameters pub = Keys.publicOf(key);
        X509v3CertificateBuilder b = builder(name, name, pub, from, validity);
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    new BcX509ExtensionUtils().createSubjectKeyIdentifier(Keys.publicKeyInfo(pub)));
        } catch (java.io.IOException e) {
            throw new PkiException("cannot build CA certificate", e);
        }
        return b.build(signer(key));
    }

    /**
     * The hub's certificate: signs receipts and authenticates the hub to the broker (TLS client), with CN
     * {@value #HUB_NAME}, which the broker's ACL grants reading every device's reports.
     */
    public X509CertificateHolder hubCertificate(String electionId, ECPublicKeyParameters hubKey, Instant from,
                                                Duration validity) {
        return issue(name(HUB_NAME, electionId), hubKey, from, validity,
                new GeneralNames(uri(Certificates.URI_PREFIX + electionId + ":hub")), KeyPurposeId.id_kp_clientAuth);
    }

    /** The broker's TLS server certificate for the given host names and IP addresses. */
    public X509CertificateHolder brokerCertificate(String electionId, List<String> hosts,
                                                   ECPublicKeyParameters brokerKey, Instant from, Duration validity) {
        if (hosts.isEmpty()) {
            throw new PkiException("the broker certificate needs at least one host name or IP address");
        }
        GeneralName[] names = hosts.stream().map(CertificateIssuer::host).toArray(GeneralName[]::new);
        return issue(name(hosts.get(0), electionId), brokerKey, from, validity, new GeneralNames(names),
                KeyPurposeId.id_kp_serverAuth);
    }

    /**
     * A Kafka node's certificate: TLS server for clients, other nodes and the controller quorum, and TLS client to
     * the other nodes, so both purposes. CN {@code node}, OU {@value #KAFKA_UNIT}; SAN the hosts the node is
     * reached by (clients check them) and {@code urn:rts:<election>:kafka:<node>}.
     */
    public X509CertificateHolder kafkaNodeCertificate(String electionId, String node, List<String> hosts,
                                                      ECPublicKeyParameters key, Instant from, Duration validity) {
        requireServiceName("Kafka node", node);
        if (hosts.isEmpty()) {
            throw new PkiException("the certificate of Kafka node " + node + " needs at least one host name or IP"
                    + " address");
        }
        List<GeneralName> names = new java.util.ArrayList<>(hosts.stream().map(CertificateIssuer::host).toList());
        names.add(uri(kafkaUri(electionId, node)));
        return issue(kafkaName(node, electionId), key, from, validity,
                new GeneralNames(names.toArray(GeneralName[]::new)),
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    }

    /**
     * A Kafka client's certificate (a bridge producing an edge's messages, a hub consuming them): TLS client only,
     * CN {@code client}, OU {@value #KAFKA_UNIT}, SAN {@code urn:rts:<election>:kafka:<client>}.
     */
    public X509CertificateHolder kafkaClientCertificate(String electionId, String client, ECPublicKeyParameters key,
                                                        Instant from, Duration validity) {
        requireServiceName("Kafka client", client);
        return issue(kafkaName(client, electionId), key, from, validity,
                new GeneralNames(uri(kafkaUri(electionId, client))), KeyPurposeId.id_kp_clientAuth);
    }

    /** The SAN URI naming a Kafka node or client of an election. */
    public static String kafkaUri(String electionId, String name) {
        return Certificates.URI_PREFIX + electionId + ":kafka:" + name;
    }

    private static void requireServiceName(String what, String name) {
        if (!Ids.isValid(name)) {
            throw new PkiException(what + " name must be 1-64 of [A-Za-z0-9._-], found: '" + name + "'");
        }
        if (HUB_NAME.equals(name)) {
            throw new PkiException("'" + HUB_NAME + "' is reserved for the hub's own certificate (the broker"
                    + " grants that name the hub's rights) and cannot be a " + what + " name");
        }
    }

    private static GeneralName host(String h) {
        return new GeneralName(
                h.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:]*") ? GeneralName.iPAddress : GeneralName.dNSName, h);
    }

    /** A device certificate: CN = device id, SAN URI binding it to one station of one election. */
    public X509CertificateHolder deviceCertificate(String electionId, String deviceId, String stationId,
                                                   ECPublicKeyParameters deviceKey, Instant from, Duration validity) {
        if (HUB_NAME.equals(deviceId)) {
            throw new PkiException("'" + HUB_NAME + "' is reserved for the hub and cannot be a device id");
        }
        return issue(name(deviceId, electionId), deviceKey, from, validity,
                new GeneralNames(uri(Certificates.stationUri(electionId, stationId))), KeyPurposeId.id_kp_clientAuth);
    }

    /**
     * A CRL listing {@code revoked} serial numbers, valid from {@code now} until {@code nextUpdate}. {@code number}
     * is its CRL number, which must grow with each list issued (readers refuse an older one).
     */
    public X509CRLHolder crl(Map<BigInteger, Instant> revoked, BigInteger number, Instant now, Duration nextUpdate) {
        X509v2CRLBuilder b = new X509v2CRLBuilder(caCertificate.getSubject(), Date.from(now));
        b.setNextUpdate(Date.from(now.plus(nextUpdate)));
        revoked.forEach((serial, at) -> b.addCRLEntry(serial, Date.from(at), CRLReason.keyCompromise));
        try {
            b.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(number));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new BcX509ExtensionUtils().createAuthorityKeyIdentifier(caCertificate));
        } catch (java.io.IOException e) {
            throw new PkiException("cannot build CRL", e);
        }
        return b.build(signer(caKey));
    }

    private static GeneralName uri(String uri) {
        return new GeneralName(GeneralName.uniformResourceIdentifier, uri);
    }

    private X509CertificateHolder issue(X500Name subject, ECPublicKeyParameters key, Instant from, Duration validity,
                                        GeneralNames altNames, KeyPurposeId... purposes) {
        X509v3CertificateBuilder b = builder(caCertificate.getSubject(), subject, key, from, validity);
        boolean server = List.of(purposes).contains(KeyPurposeId.id_kp_serverAuth);
        try {
            BcX509ExtensionUtils ext = new BcX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                    | (server ? KeyUsage.keyAgreement : 0)));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            b.addExtension(Extension.subjectAlternativeName, false, altNames);
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(caCertificate));
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    ext.createSubjectKeyIdentifier(Keys.publicKeyInfo(key)));
        } catch (java.io.IOException e) {
            throw new PkiException("cannot build certificate for " + subject, e);
        }
        return b.build(signer(caKey));
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, ECPublicKeyParameters key,
                                                    Instant from, Duration validity) {
        SubjectPublicKeyInfo info = Keys.publicKeyInfo(key);
        return new X509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(from), Date.from(from.plus(validity)), subject, info);
    }

    private static X500Name name(String commonName, String electionId) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Election " + electionId)
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    /** O, OU {@value #KAFKA_UNIT}, CN: Kafka maps only such names to principals it knows (a unit's has no OU). */
    private static X500Name kafkaName(String commonName, String electionId) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Election " + electionId)
                .addRDN(BCStyle.OU, KAFKA_UNIT)
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static ContentSigner signer(ECPrivateKeyParameters key) {
        try {
            return new BcECContentSignerBuilder(SIG, DIGEST).build(key);
        } catch (OperatorCreationException e) {
            throw new PkiException("cannot create certificate signer", e);
        }
    }
}
