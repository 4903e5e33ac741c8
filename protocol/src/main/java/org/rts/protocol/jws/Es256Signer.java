package org.rts.protocol.jws;

import java.math.BigInteger;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * Signs payloads as ES256 JWS compact strings with BouncyCastle's lightweight ECDSA. Signatures are deterministic
 * (RFC 6979) and in low-S form, so signing the same bytes twice gives the same message and {@link Jws#parse}
 * accepts it. Thread-safe.
 */
public final class Es256Signer {
    private final ECPrivateKeyParameters key;
    private final JwsHeader header;
    private final String encodedHeader;

    public Es256Signer(ECPrivateKeyParameters key, String kid, String certificateThumbprint) {
        this.key = key;
        this.header = new JwsHeader(JwsHeader.ES256, kid, certificateThumbprint);
        this.encodedHeader = Jws.encode(JwsHeader.encode(header));
    }

    public JwsHeader header() {
        return header;
    }

    /** Returns {@code header.payload.signature} for the given payload bytes. */
    public String sign(byte[] payload) {
        String signingInput = encodedHeader + "." + Jws.encode(payload);
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, key);
        BigInteger[] rs = signer.generateSignature(Jws.sha256(Jws.ascii(signingInput)));
        byte[] signature = new byte[64];
        copyUnsigned(rs[0], signature, 0);
        copyUnsigned(Jws.lowS(rs[1]), signature, 32);
        return signingInput + "." + Jws.encode(signature);
    }

    private static void copyUnsigned(BigInteger value, byte[] out, int offset) {
        byte[] bytes = value.toByteArray();
        int skip = Math.max(0, bytes.length - 32); // a leading sign byte
        int length = bytes.length - skip;
        System.arraycopy(bytes, skip, out, offset + 32 - length, length);
    }
}
