package org.rts.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.junit.jupiter.api.Test;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.pki.Keys;

/** Telemetry and presence travel signed and in one canonical form, like reports. */
class TelemetryTest {
    private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");

    static Telemetry telemetry(Double battery) {
        return new Telemetry(1, "el", Mode.LIVE, "dev-1", "S-1", 1764150000000L, 3, AT, battery, 3.9, false, false,
                41.5, 0.12, 180_000L, 2_000_000L, 3600L, true, null, 1, 42L, "0.1", "a1b2c3d4", false);
    }

    @Test
    void telemetry_signs_and_decodes_in_its_one_canonical_form_with_unknown_figures_as_null() {
        AsymmetricCipherKeyPair kp = Keys.generate();
        Es256Signer signer = new Es256Signer((ECPrivateKeyParameters) kp.getPrivate(), "dev-1", Jws.hash(new byte[] {1}));
        Telemetry t = telemetry(null);
        Jws jws = Jws.parse(signer.sign(MessageCodec.encode(t)).getBytes(StandardCharsets.US_ASCII));
        assertTrue(Es256Verifier.verify(jws, (ECPublicKeyParameters) kp.getPublic()));
        assertEquals(t, MessageCodec.decodeTelemetry(jws.payload()));
        String spaced = new String(MessageCodec.encode(t), StandardCharsets.UTF_8).replace(",\"n\"", ", \"n\"");
        assertThrows(MalformedMessageException.class,
                () -> MessageCodec.decodeTelemetry(spaced.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void an_impossible_figure_travels_for_the_hub_to_flag_but_a_broken_envelope_does_not() {
        assertEquals(250.0, MessageCodec.decodeTelemetry(MessageCodec.encode(telemetry(250.0))).battery());
        assertThrows(IllegalArgumentException.class, () -> new Telemetry(1, "el", Mode.LIVE, "dev-1", "S-1", 0, 1,
                AT, null, null, null, null, null, null, null, null, null, null, null, 0, null, "0.1", "x", false));
        assertThrows(IllegalArgumentException.class, () -> new Telemetry(1, "el", Mode.LIVE, "dev-1", "S-1", 1, 1,
                AT, null, null, null, null, null, null, null, null, null, null, null, -1, null, "0.1", "x", false));
    }

    @Test
    void presence_round_trips_and_needs_its_session() {
        Presence lost = new Presence(1, "el", Mode.LIVE, "dev-1", "S-1", 7, AT, Presence.State.LOST);
        assertEquals(lost, MessageCodec.decodePresence(MessageCodec.encode(lost)));
        assertThrows(IllegalArgumentException.class,
                () -> new Presence(1, "el", Mode.LIVE, "dev-1", "S-1", 0, AT, Presence.State.ONLINE));
    }
}
