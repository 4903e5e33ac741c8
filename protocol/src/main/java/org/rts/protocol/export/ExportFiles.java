package org.rts.protocol.export;

import java.nio.file.Path;

/**
 * Layout of an observer export: everything needed to check an election's messages without the hub, and no private
 * key. {@code VERIFY.md} in the project describes each file and how to check it with common tools.
 */
public record ExportFiles(Path dir) {
    /** Format name written in the manifest; a reader refuses any other. */
    public static final String FORMAT = "rts-export/1";

    /** What the hub signs: the hashes of every other file, the units' last messages, counts and the tally. */
    public Path manifest() {
        return dir.resolve("manifest.json");
    }

    /** Every message in arrival order, one JSON object ({@link ExportRecord}) per line. */
    public Path messages() {
        return dir.resolve("messages.jsonl");
    }

    /**
     * The hubs' receipt logs, one file each: its last signed tree head on the first line, then the base64url hash of
     * every leaf in order, one a line.
     */
    public Path receiptLogs() {
        return dir.resolve("receipt-logs");
    }

    /** The file of receipt log {@code log} (a hub's client id; one that is not a plain file name is encoded). */
    public Path receiptLog(String log) {
        String name = log.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}") ? log
                : "~" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(log.getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        return receiptLogs().resolve(name + ".txt");
    }

    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    public Path hubCertificate() {
        return dir.resolve("hub.pem");
    }

    /** The CA's revocation list; absent when nothing was ever revoked. */
    public Path crl() {
        return dir.resolve("crl.pem");
    }

    /** The ballot definition, with its signature by the CA beside it ({@code .sig}). */
    public Path ballot() {
        return dir.resolve("election.json");
    }

    /** Every certificate ever issued to a device, with its status, signed by the CA ({@code .sig}). */
    public Path registry() {
        return dir.resolve("registry.json");
    }

    /** One device certificate, named by its thumbprint (base64url SHA-256 of its DER encoding). */
    public Path deviceCertificate(String thumbprint) {
        return dir.resolve("devices").resolve(thumbprint + ".pem");
    }

    /**
     * The observer's check page: a result slip's QR code checked offline on a phone, with the hub's answer to each
     * result of this export.
     */
    public Path checkPage() {
        return dir.resolve("check.html");
    }

    /** The check page of one constituency's stations, where {@link #checkPage()} is the index of them. */
    public Path checkPage(String constituency) {
        return dir.resolve("check").resolve(constituency + ".html");
    }

    /** The photos of the signed forms: each named by the SHA-256 the unit signed into its result. */
    public Path photos() {
        return dir.resolve("photos");
    }

    public Path photo(String sha256) {
        return photos().resolve(sha256 + ".jpg");
    }

    /** What the operations room did about its alerts: one JSON object a line, who, what and when. */
    public Path alertActions() {
        return dir.resolve("alert-actions.jsonl");
    }

    /** The hand-count audit: its public seed, the stations it gives, the hand counts and their comparisons. */
    public Path audit() {
        return dir.resolve("audit.json");
    }
}
