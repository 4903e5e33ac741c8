package org.rts.protocol.jws;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/** Verifies ES256 signatures with BouncyCastle's lightweight ECDSA (several times faster than the JCA path). */
public final class Es256Verifier {
    private Es256Verifier() {
    }

    public static boolean verify(Jws jws, ECPublicKeyParameters key) {
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(jws.signature(), 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(jws.signature(), 32, 64));
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, key);
        return verifier.verifySignature(Jws.sha256(jws.signingInput()), r, s);
    }
}
