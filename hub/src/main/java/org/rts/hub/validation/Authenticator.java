package org.rts.hub.validation;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.rts.hub.registry.DeviceRegistry;
import org.rts.hub.registry.RegisteredDevice;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Election;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Report;

/**
 * First half of validation, with no state: is this message what it claims to be? Checks run cheapest first and
 * parse the payload only after the signature verified, so an attacker's bytes never reach the JSON parser. Every
 * encoding is checked to be the one canonical form ({@link Jws#parse}, {@link MessageCodec}): a message can be
 * written one way only, so it has one hash. Thread-safe.
 */
public final class Authenticator {
    /** Messages above this size are refused unread. */
    public static final int MAX_BYTES = 64 * 1024;

    private final Election election;
    private final Supplier<DeviceRegistry> registry;

    /** {@code registry} gives the registry in force, which may be reloaded between messages. */
    public Authenticator(Election election, Supplier<DeviceRegistry> registry) {
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

    /** Authenticates {@code bytes} received on {@code topic}; {@code size} is their length as received. */
    public Outcome authenticate(Topics.Address topic, byte[] bytes, int size, String hash, Instant now) {
        if (!topic.election().equals(election.id())) {
            return fail(Reason.ELECTION_UNKNOWN, "published under election " + topic.election()
                    + ", this hub serves " + election.id(), null);
        }
        if (size > MAX_BYTES) {
            return fail(Reason.PAYLOAD_TOO_LARGE, size + " bytes, the limit is " + MAX_BYTES, null);
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
        return new Ok(new Authenticated(device, report, jws, hash, standing(device, kid, now, seq)));
    }

    private static Optional<Rejection> standing(RegisteredDevice device, String kid, Instant now, Long seq) {
        if (device.revoked()) {
            return Optional.of(Rejection.of(Reason.DEVICE_REVOKED, "certificate " + device.thumbprint() + " of "
                    + kid + " is " + device.revocation(), seq));
        }
        if (!device.validAt(now)) {
            return Optional.of(Rejection.of(Reason.CERTIFICATE_UNTRUSTED, "certificate of " + kid + " is valid from "
                    + device.notBefore() + " to " + device.notAfter() + ", not at " + now, seq));
        }
        return Optional.empty();
    }

    private static Failed fail(Reason reason, String detail, Long seq) {
        return new Failed(Rejection.of(reason, detail, seq));
    }
}
