package org.rts.protocol.jws;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.rts.protocol.Ids;

/**
 * The protected header: ES256, the signer's id ({@code kid}: a device id, or {@code hub}) and the SHA-256
 * thumbprint of the signer's certificate ({@code x5t#S256}, RFC 7515), which names exactly one certificate.
 */
public record JwsHeader(String alg, String kid, @JsonProperty("x5t#S256") String x5tS256) {
    public static final String ES256 = "ES256";

    public JwsHeader {
        if (!ES256.equals(alg)) {
            throw new IllegalArgumentException("alg must be ES256, found: " + alg);
        }
        Ids.require("kid", kid);
        if (x5tS256 == null || x5tS256.length() != 43) {
            throw new IllegalArgumentException("x5t#S256 must be a base64url SHA-256 thumbprint, found: " + x5tS256);
        }
    }
}
