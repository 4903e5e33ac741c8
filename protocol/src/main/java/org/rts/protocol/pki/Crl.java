package org.rts.protocol.pki;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLEntryHolder;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;

/**
 * The election CA's certificate revocation list, read and checked: signed by the CA, with its CRL number (which
 * grows with every revocation, so an older list can be told apart and refused).
 */
public record Crl(BigInteger number, Instant thisUpdate, Instant nextUpdate, Set<BigInteger> revoked) {
    public Crl {
        revoked = Set.copyOf(revoked);
    }

    public boolean isRevoked(BigInteger serial) {
        return revoked.contains(serial);
    }

    /** Reads {@code file} and checks it was signed by {@code ca}; throws naming the file otherwise. */
    public static Crl read(Path file, X509CertificateHolder ca) {
        X509CRLHolder crl;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object o = parser.readObject();
            if (!(o instanceof X509CRLHolder holder)) {
                throw new PkiException("no CRL in " + file);
            }
            crl = holder;
        } catch (NoSuchFileException e) {
            throw new PkiException("CRL not found: " + file);
        } catch (IOException | RuntimeException e) {
            throw new PkiException("cannot read CRL " + file + ": " + e.getMessage(), e);
        }
        try {
            if (!crl.getIssuer().equals(ca.getSubject()) || !crl.isSignatureValid(
                    new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder()).build(ca))) {
                throw new PkiException("CRL " + file + " is not signed by the election CA " + ca.getSubject());
            }
        } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertException e) {
            throw new PkiException("cannot check the signature of CRL " + file + ": " + e.getMessage(), e);
        }
        Extension numberExtension = crl.getExtension(Extension.cRLNumber);
        BigInteger number = numberExtension == null ? BigInteger.ZERO
                : ASN1Integer.getInstance(numberExtension.getParsedValue()).getValue();
        Set<BigInteger> serials = new HashSet<>();
        for (Object entry : crl.getRevokedCertificates()) {
            serials.add(((X509CRLEntryHolder) entry).getSerialNumber());
        }
        return new Crl(number, crl.getThisUpdate().toInstant(),
                crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant(), serials);
    }
}
