package org.rts.hub.receipt;

import java.time.Instant;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.hub.HubException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.Report;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;

/**
 * Builds receipts, and signs with the hub's receipt key (JWS ES256, {@code kid = hub}) what vouches for them: the
 * receipt log's tree heads ({@link ReceiptLog}) and the export's manifest.
 */
public final class ReceiptIssuer {
    public static final String KID = "hub";

    private final Es256Signer signer;

    public ReceiptIssuer(ECPrivateKeyParameters key, X509CertificateHolder certificate) {
        if (!Keys.samePublicKey(Keys.publicOf(key), Certificates.publicKey(certificate))) {
            throw new HubException("hub receipt key does not match hub certificate " + certificate.getSubject());
        }
        this.signer = new Es256Signer(key, KID, Certificates.thumbprint(certificate));
    }

    /**
     * The receipt for the message {@code messageHash} received on {@code topic}, in canonical JSON: a leaf of the
     * receipt log. {@code chained} says whether the message took its place in the device's chain; {@code head} is
     * the device's last chained message, sent with sequence rejections (else null).
     */
    public static byte[] receipt(String deviceId, String topic, String messageHash, Long seq, boolean chained,
                                 List<Finding> reasons, List<Finding> warnings, ChainPosition head, Instant hubTime) {
        Receipt.Status status = reasons.isEmpty() ? Receipt.Status.ACCEPTED : Receipt.Status.REJECTED;
        return MessageCodec.encode(new Receipt(Report.VERSION, deviceId, topic, messageHash, seq, chained, status,
                reasons, warnings, head, hubTime, Receipt.code(messageHash, status)));
    }

    /** The hub's signer, once its key was found to match its certificate. */
    public Es256Signer signer() {
        return signer;
    }

    /** Signs a file the hub vouches for (an export's manifest): {@code <file>.sig}, a JWS with detached payload. */
    public void signFile(java.nio.file.Path file) {
        org.rts.protocol.files.SignedFile.sign(file, signer);
    }
}
