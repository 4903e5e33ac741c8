package org.rts.hub.validation;

import java.time.Instant;
import org.rts.hub.registry.DeviceRegistry;
import org.rts.hub.registry.RegisteredDevice;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.Registry;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Report;

/**
 * First half of validation, with no state: is this message what it claims to be? Checks run cheapest first and
 * parse the payload only after the signature verified, so an attacker's bytes never reach the JSON parser.
 */
public final class Authenticator {
    /** Messages above this size are refused unread. */
    public static final int MAX_BYTES = 64 * 1024;

    private final Election election;
    private final java.util.function.Supplier<DeviceRegistry> registry;

    /** {@code registry} gives the registry in force, which may be reloaded between messages. */
    public Authenticator(Election election, java.util.function.Supplier<DeviceRegistry> registry) {
        this.election = election;
        this.registry = registry;
    }

    /** Either an {@link Authenticated} or a {@link Rejection}. */
    public sealed interface Outcome permits Ok, Failed {
    }

    public record Ok(Authenticated message) implements Outcome {
    }

    public record Failed(Rejection rejection) implements Outcome {
    }

    public Outcome authenticate(Topics.Address topic, byte[] bytes, String hash, Instant now) {
        if (bytes.length > MAX_BYTES) {
            return fail(Reason.PAYLOAD_TOO_LARGE, bytes.length + " bytes, the limit is " + MAX_BYTES, null);
        }
        Jws jws;
        try {
            jws = Jws.parse(bytes);
        } catch (MalformedMessageException e) {
            return fail(e.reason(), e.getMessage(), null);
        }
        String kid = jws.header().kid();
        if (!kid.equals(topic.deviceId())) {
            return fail(Reason.DEVICE_MISMATCH, "signed as " + kid + " but published on the topic of "
                    + topic.deviceId(), null);
        }
        RegisteredDevice device = registry.get().byThumbprint(jws.header().x5tS256()).orElse(null);
        if (device == null) {
            return fail(Reason.CERTIFICATE_UNTRUSTED, "certificate " + jws.header().x5tS256()
                    + " was not issued by the election CA to an enrolled device", null);
        }
        if (!device.deviceId().equals(kid)) {
            return fail(Reason.DEVICE_MISMATCH, "signed as " + kid + " with the certificate of "
                    + device.deviceId(), null);
        }
        if (device.status() != Registry.Status.ACTIVE) {
            return fail(Reason.DEVICE_REVOKED, "certificate " + device.thumbprint() + " of " + kid + " is "
                    + device.status(), null);
        }
        if (!device.validAt(now)) {
            return fail(Reason.CERTIFICATE_UNTRUSTED, "certificate of " + kid + " is valid from "
                    + device.notBefore() + " to " + device.notAfter() + ", not at " + now, null);
        }
        if (!Es256Verifier.verify(jws, device.publicKey())) {
            return fail(Reason.SIGNATURE_INVALID, "signature does not verify with the certificate of " + kid, null);
        }
        Report report;
        try {
            report = MessageCodec.decodeReport(jws.payload());
        } catch (MalformedMessageException e) {
            return fail(Reason.MALFORMED, e.getMessage(), null);
        }
        Long seq = report.seq();
        if (!report.device().equals(kid)) {
            return fail(Reason.DEVICE_MISMATCH, "payload names device " + report.device() + ", signed by " + kid,
                    seq);
        }
        if (!report.kind().equals(topic.kind())) {
            return fail(Reason.TOPIC_MISMATCH, "a " + report.kind() + " report on the " + topic.kind()
                    + " topic", seq);
        }
        if (!report.election().equals(election.id())) {
            return fail(Reason.ELECTION_UNKNOWN, "election '" + report.election() + "', this hub serves "
                    + election.id(), seq);
        }
        if (report.mode() != election.mode()) {
            return fail(Reason.MODE_MISMATCH, "a " + report.mode() + " message for a " + election.mode()
                    + " election", seq);
        }
        if (!report.station().equals(device.stationId())) {
            return fail(Reason.STATION_MISMATCH, "report for station " + report.station() + " from " + kid
                    + ", which is bound to station " + device.stationId(), seq);
        }
        return new Ok(new Authenticated(device, report, jws, hash));
    }

    private static Failed fail(Reason reason, String detail, Long seq) {
        return new Failed(Rejection.of(reason, detail, seq));
    }
}
