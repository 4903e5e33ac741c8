package org.rts.hub.receipt;

import java.nio.charset.StandardCharsets;
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

/** Builds and signs receipts with the hub's receipt key (JWS ES256, {@code kid = hub}). */
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
     * A signed receipt for the message {@code messageHash} received on {@code topic}, as the bytes published to the
     * device. {@code chained} says whether the message took its place in the device's chain; {@code head} is the
     * device's last chained message, sent with sequence rejections (else null).
     */
    public byte[] issue(String deviceId, String topic, String messageHash, Long seq, boolean chained,
                        List<Finding> reasons, List<Finding> warnings, ChainPosition head, Instant hubTime) {
        Receipt.Status status = reasons.isEmpty() ? Receipt.Status.ACCEPTED : Receipt.Status.REJECTED;
        Receipt receipt = new Receipt(Report.VERSION, deviceId, topic, messageHash, seq, chained, status, reasons,
                warnings, head, hubTime, Receipt.code(messageHash, status));
        return signer.sign(MessageCodec.encode(receipt)).getBytes(StandardCharsets.US_ASCII);
    }

    /** Signs a file the hub vouches for (an export's manifest): {@code <file>.sig}, a JWS with detached payload. */
    public void signFile(java.nio.file.Path file) {
        org.rts.protocol.files.SignedFile.sign(file, signer);
    }
}
