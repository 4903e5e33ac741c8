package org.rts.agent.transmission;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.rts.agent.AgentException;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.pki.Certificates;

/**
 * Accepts only receipts signed by this election's hub certificate and addressed to this device. Whether a receipt
 * is for the message as this unit sent it (same hash, same topic) is the sender's check.
 */
public final class ReceiptVerifier {
    private final String deviceId;
    private final String hubThumbprint;
    private final ECPublicKeyParameters hubKey;

    public ReceiptVerifier(String deviceId, X509CertificateHolder hubCertificate) {
        this.deviceId = deviceId;
        this.hubThumbprint = Certificates.thumbprint(hubCertificate);
        this.hubKey = Certificates.publicKey(hubCertificate);
    }

    public Receipt verify(byte[] bytes) {
        try {
            Jws jws = Jws.parse(bytes);
            if (!jws.header().x5tS256().equals(hubThumbprint)) {
                throw new AgentException("receipt signed with certificate " + jws.header().x5tS256()
                        + ", not this election's hub certificate");
            }
            if (!Es256Verifier.verify(jws, hubKey)) {
                throw new AgentException("receipt signature does not verify with the hub certificate");
            }
            Receipt receipt = MessageCodec.decodeReceipt(jws.payload());
            if (!receipt.device().equals(deviceId)) {
                throw new AgentException("receipt is addressed to " + receipt.device() + ", not " + deviceId);
            }
            return receipt;
        } catch (MalformedMessageException e) {
            throw new AgentException("receipt is malformed: " + e.getMessage(), e);
        }
    }
}
