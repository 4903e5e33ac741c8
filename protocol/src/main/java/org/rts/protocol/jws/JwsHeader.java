package org.rts.protocol.jws;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.rts.protocol.Ids;
import org.rts.protocol.codec.Json;

/**
 * The protected header: ES256, the signer's id ({@code kid}: a device id, or {@code hub}) and the SHA-256
 * thumbprint of the signer's certificate ({@code x5t#S256}, RFC 7515), which names exactly one certificate.
 */
@JsonPropertyOrder({"alg", "kid", "x5t#S256"})
public record JwsHeader(String alg, String kid, @JsonProperty("x5t#S256") String x5tS256) {
    public static final String ES256 = "ES256";

    public JwsHeader {
        if (!ES256.equals(alg)) {
            throw new IllegalArgumentException("alg must be ES256, found: " + alg);
        }
        Ids.require("kid", kid);
        if (x5tS256 == null || !x5tS256.matches("[A-Za-z0-9_-]{43}")) {
            throw new IllegalArgumentException("x5t#S256 must be a base64url SHA-256 thumbprint, found: " + x5tS256);
        }
    }

    /** The header's one encoding: compact JSON, fields in the order above. */
    static byte[] encode(JwsHeader header) {
        try {
            return Json.mapper().writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
