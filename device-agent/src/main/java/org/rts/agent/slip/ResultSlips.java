package org.rts.agent.slip;

import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.rts.agent.i18n.Messages;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.hardware.Printer;
import org.rts.hardware.Slip;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.ResultReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slip an observer takes away once the hub accepted a result: the station, the race, every figure, the receipt
 * code and the time, in the unit's language, and a QR code of the signed result exactly as it was sent (the JWS
 * the hub verified, so a phone can verify it too; a result too large for one code, such as a ballot of many
 * candidates, in numbered parts, {@link org.rts.protocol.relay.RelayParts}).
 */
public final class ResultSlips {
    private static final Logger LOG = LoggerFactory.getLogger(ResultSlips.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final Election election;
    private final Messages messages;

    public ResultSlips(Election election, Messages messages) {
        this.election = election;
        this.messages = messages;
    }

    /**
     * Prints the slip of {@code entry}, accepted with receipt {@code code}, on {@code printer}: null when printed,
     * else what the printer or the slip's drawing said.
     */
    public String print(Printer printer, OutboxEntry entry, String code) {
        try {
            printer.print(of(entry, code));
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.warn("result slip of message {} not printed: {}", entry.seq(), e.getMessage());
            return e.getMessage();
        }
    }

    /** The slip of {@code entry}, a result the hub accepted with receipt {@code code} (null: not at the hub yet). */
    public Slip of(OutboxEntry entry, String code) {
        ResultReport r = (ResultReport) MessageCodec.decodeReport(Jws.parse(entry.jws().getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)).payload());
        Race race = election.race(r.race()).orElseThrow(() -> new IllegalStateException(
                "race " + r.race() + " is not on this unit's ballot"));
        String stationName = election.station(r.station()).map(s -> s.name()).orElse("");
        List<String> lines = new ArrayList<>();
        lines.add(messages.get("slip.title"));
        lines.add(election.name());
        lines.add(messages.get("slip.station", r.station(), stationName));
        lines.add(messages.get("slip.race", race.name()));
        lines.add(messages.get("field.registered") + ": " + r.registered());
        lines.add(messages.get("field.received") + ": " + r.received());
        lines.add(messages.get("field.unused") + ": " + r.unused());
        lines.add(messages.get("field.spoiled") + ": " + r.spoiled());
        lines.add(messages.get("field.inBox") + ": " + r.inBox());
        lines.add(messages.get("field.invalid") + ": " + r.invalid());
        for (int i = 0; i < race.candidates().size(); i++) {
            lines.add(race.candidates().get(i).name() + ": " + r.votes().get(i));
        }
        lines.add(messages.get("slip.total", r.validVotes()));
        lines.add(messages.get("slip.closed", TIME.format(r.closedAt().atZone(election.polling().zone()))));
        if (r.photo() != null) {
            lines.add(r.photo().taken() ? messages.get("slip.photo", r.photo().sha256().substring(0, 12))
                    : messages.get("slip.photo.skipped"));
        }
        lines.add(code == null ? messages.get("slip.pending") : messages.get("slip.code", code));
        lines.add(messages.get("slip.device", r.device(), r.seq()));
        lines.add(messages.get("slip.scan"));
        return new Slip(lines, org.rts.protocol.relay.RelayParts.codes(entry.jws()));
    }
}
