package org.rts.agent.transmission;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.rts.agent.AgentException;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.pki.Certificates;

/**
 * Accepts only receipts of this election's hub log, under a tree head signed with the hub certificate's key, and
 * addressed to this device. Whether a receipt is for the message as this unit sent it (same hash, same topic) is the
 * sender's check.
 */
public final class ReceiptVerifier {
    private final String election;
    private final String deviceId;
    private final ECPublicKeyParameters hubKey;

    public ReceiptVerifier(String election, String deviceId, X509CertificateHolder hubCertificate) {
        this.election = election;
        this.deviceId = deviceId;
        this.hubKey = Certificates.publicKey(hubCertificate);
    }

    public Receipt verify(byte[] bytes) {
        Receipt receipt;
        try {
            receipt = LoggedReceipt.decode(bytes).check(hubKey, election).receipt();
        } catch (MalformedMessageException e) {
            throw new AgentException("receipt refused: " + e.getMessage(), e);
        }
        if (!receipt.device().equals(deviceId)) {
            throw new AgentException("receipt is addressed to " + receipt.device() + ", not " + deviceId);
        }
        return receipt;
    }
}
