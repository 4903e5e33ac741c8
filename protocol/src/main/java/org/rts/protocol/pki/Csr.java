package org.rts.protocol.pki;

import java.nio.file.Files;
import java.nio.file.Path;
import org.rts.protocol.Ids;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;

/**
 * Certificate signing requests: the device makes its key and asks for a certificate with a CSR naming its device
 * id; provisioning checks the proof of possession (the CSR's own signature) and the id before signing.
 */
public final class Csr {
    private Csr() {
    }

    /** What a checked CSR asks for. */
    public record Request(String deviceId, ECPublicKeyParameters publicKey) {
    }

    public static PKCS10CertificationRequest create(String deviceId, ECPrivateKeyParameters key) {
        var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, deviceId).build();
        var sig = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
        try {
            return new PKCS10CertificationRequestBuilder(subject, Keys.publicKeyInfo(Keys.publicOf(key)))
                    .build(new BcECContentSignerBuilder(sig, new DefaultDigestAlgorithmIdentifierFinder().find(sig))
                            .build(key));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new PkiException("cannot sign the certificate request", e);
        }
    }

    /**
     * What a unit does to enrol: makes its key in {@code keyFile} (mode 0600) unless it has one, and writes its
     * certificate request to {@code requestFile} (a bundle's {@code deviceKey()} and {@code request()}). Running it
     * again keeps the key and writes the same request.
     *
     * @return true if a new key was made
     */
    public static boolean writeRequest(Path keyFile, Path requestFile, String deviceId) {
        Ids.require("device id", deviceId);
        boolean created = !Files.exists(keyFile);
        ECPrivateKeyParameters key;
        if (created) {
            key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
            Pem.writePrivateKey(keyFile, key);
        } else {
            key = Pem.readPrivateKey(keyFile);
        }
        Pem.write(requestFile, encode(create(deviceId, key)), false);
        return created;
    }

    /** Reads a PEM CSR and checks its proof of possession; throws naming the file and the failed check. */
    public static Request read(Path file) {
        PKCS10CertificationRequest csr = Pem.readCsr(file);
        ECPublicKeyParameters key;
        try {
            key = Keys.publicKey(csr.getSubjectPublicKeyInfo());
        } catch (PkiException e) {
            throw new PkiException("certificate request " + file + ": " + e.getMessage(), e);
        }
        boolean valid;
        try {
            valid = csr.isSignatureValid(new BcECContentVerifierProviderBuilder(
                    new DefaultDigestAlgorithmIdentifierFinder()).build(key));
        } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.pkcs.PKCSException
                 | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new PkiException("certificate request " + file + " fails its proof of possession (its signature"
                    + " does not match its key): make a new one on the unit with 'device-agent enroll'");
        }
        return new Request(Certificates.commonName(csr.getSubject()), key);
    }

    public static String encode(PKCS10CertificationRequest csr) {
        return Pem.encode(csr);
    }
}
