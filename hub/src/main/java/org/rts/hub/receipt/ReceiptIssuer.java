package org.rts.hub.receipt;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.hub.HubException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.Report;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;

/** Builds and signs receipts with the hub's receipt key (JWS ES256, {@code kid = hub}). */
public final class ReceiptIssuer {
    public static final String KID = "hub";
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private final Es256Signer signer;

    public ReceiptIssuer(ECPrivateKeyParameters key, X509CertificateHolder certificate) {
        if (!Keys.samePublicKey(Keys.publicOf(key), Certificates.publicKey(certificate))) {
            throw new HubException("hub receipt key does not match hub certificate " + certificate.getSubject());
        }
        this.signer = new Es256Signer(key, KID, Certificates.thumbprint(certificate));
    }

    /**
     * A signed receipt for the message {@code messageHash} received on {@code topic}, as the bytes published to the
     * device. {@code chained} says whether the message took its place in the device's chain; {@code head} is the
     * device's last chained message, sent with sequence rejections (else null).
     */
    public byte[] issue(String deviceId, String topic, String messageHash, Long seq, boolean chained,
                        List<Finding> reasons, List<Finding> warnings, ChainPosition head, Instant hubTime) {
        Receipt.Status status = reasons.isEmpty() ? Receipt.Status.ACCEPTED : Receipt.Status.REJECTED;
        Receipt receipt = new Receipt(Report.VERSION, deviceId, topic, messageHash, seq, chained, status, reasons,
                warnings, head, hubTime, code(messageHash, status));
        return signer.sign(MessageCodec.encode(receipt)).getBytes(StandardCharsets.US_ASCII);
    }

    /** The receipt code an accepted message got (see {@link #code}). */
    public static String acceptedCode(String messageHash) {
        return code(messageHash, Receipt.Status.ACCEPTED);
    }

    /**
     * The short code an officer copies onto the paper form: 8 Crockford base32 characters (no I, L, O, U) taken
     * from the first 40 bits of SHA-256 over the ASCII text {@code <STATUS>:<message hash>}, shown as
     * {@code XXXX-XXXX}. Anyone holding the message can recompute it.
     */
    static String code(String messageHash, Receipt.Status status) {
        byte[] digest = Jws.sha256((status + ":" + messageHash).getBytes(StandardCharsets.US_ASCII));
        long bits = 0;
        for (int i = 0; i < 5; i++) {
            bits = (bits << 8) | (digest[i] & 0xFF);
        }
        StringBuilder sb = new StringBuilder(9);
        for (int i = 7; i >= 0; i--) {
            sb.append(CROCKFORD[(int) ((bits >>> (i * 5)) & 31)]);
            if (i == 4) {
                sb.append('-');
            }
        }
        return sb.toString();
    }
}
