package org.rts.demo.load;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.pki.Keys;

/**
 * What one report's signature costs a unit, with the BouncyCastle signer the agent uses and with the JDK's own ECDSA
 * (SunEC), which would let the agent leave BouncyCastle's classes unloaded. Both sign the same JWS signing input
 * with the same P-256 key; each figure is the median of {@link #TIMED} signatures after as many to warm up.
 */
final class UnitSigning {
    private static final int TIMED = 200;

    private UnitSigning() {
    }

    /** Prints both medians, in microseconds. */
    static void print() throws Exception {
        AsymmetricCipherKeyPair pair = Keys.generate();
        ECPrivateKeyParameters key = (ECPrivateKeyParameters) pair.getPrivate();
        byte[] payload = "{\"v\":1,\"kind\":\"turnout\",\"voters\":412}".getBytes(StandardCharsets.UTF_8);
        Es256Signer bc = new Es256Signer(key, "dev-1", Jws.encode(Jws.sha256(payload)));
        PrivateKey jdkKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                Keys.privateKeyInfo(key).getEncoded()));
        String jws = bc.sign(payload);
        byte[] input = jws.substring(0, jws.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        double bcMicros = median(() -> bc.sign(payload));
        double jdkMicros = median(() -> {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(jdkKey);
            s.update(input);
            s.sign();
        });
        System.out.printf("  one report's signature on this machine: BouncyCastle %.0f µs, the JDK's own ECDSA %.0f µs"
                + " (medians of %d after %d)%n", bcMicros, jdkMicros, TIMED, TIMED);
    }

    private interface Work {
        void run() throws Exception;
    }

    private static double median(Work work) throws Exception {
        for (int i = 0; i < TIMED; i++) {
            work.run();
        }
        long[] nanos = new long[TIMED];
        for (int i = 0; i < TIMED; i++) {
            long t0 = System.nanoTime();
            work.run();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        return Rates.percentile(nanos, 0.5) * 1e3;
    }
}
