package org.rts.protocol.pki;

import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/** P-256 key pairs as BouncyCastle lightweight parameters, and their standard encodings. */
public final class Keys {
    public static final ASN1ObjectIdentifier P256 = SECObjectIdentifiers.secp256r1;
    private static final X9ECParameters CURVE = CustomNamedCurves.getByOID(P256);
    public static final ECNamedDomainParameters DOMAIN = new ECNamedDomainParameters(P256, CURVE);

    private Keys() {
    }

    public static AsymmetricCipherKeyPair generate() {
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(DOMAIN, new SecureRandom()));
        return generator.generateKeyPair();
    }

    public static PrivateKeyInfo privateKeyInfo(ECPrivateKeyParameters key) {
        try {
            return PrivateKeyInfoFactory.createPrivateKeyInfo(key);
        } catch (IOException e) {
            throw new PkiException("cannot encode private key", e);
        }
    }

    public static SubjectPublicKeyInfo publicKeyInfo(ECPublicKeyParameters key) {
        try {
            return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key);
        } catch (IOException e) {
            throw new PkiException("cannot encode public key", e);
        }
    }

    /** Reads a P-256 private key; throws if it is another algorithm or curve. */
    public static ECPrivateKeyParameters privateKey(PrivateKeyInfo info) {
        try {
            AsymmetricKeyParameter key = PrivateKeyFactory.createKey(info);
            if (key instanceof ECPrivateKeyParameters ec && ec.getParameters().getCurve().equals(CURVE.getCurve())) {
                return ec;
            }
        } catch (IOException | RuntimeException e) {
            throw new PkiException("not a readable private key: " + e.getMessage(), e);
        }
        throw new PkiException("key is not an ECDSA P-256 key");
    }

    /** Reads a P-256 public key; throws if it is another algorithm or curve. */
    public static ECPublicKeyParameters publicKey(SubjectPublicKeyInfo info) {
        try {
            AsymmetricKeyParameter key = PublicKeyFactory.createKey(info);
            if (key instanceof ECPublicKeyParameters ec && ec.getParameters().getCurve().equals(CURVE.getCurve())) {
                return ec;
            }
        } catch (IOException | RuntimeException e) {
            throw new PkiException("not a readable public key: " + e.getMessage(), e);
        }
        throw new PkiException("key is not an ECDSA P-256 key");
    }

    /** The public half of a private key. */
    public static ECPublicKeyParameters publicOf(ECPrivateKeyParameters key) {
        ECPoint q = new FixedPointCombMultiplier().multiply(key.getParameters().getG(), key.getD()).normalize();
        return new ECPublicKeyParameters(q, key.getParameters());
    }

    public static boolean samePublicKey(ECPublicKeyParameters a, ECPublicKeyParameters b) {
        return a.getQ().normalize().equals(b.getQ().normalize());
    }
}
