package org.rts.provisioning.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.protocol.Topics;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.ProvisioningException;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;

/**
 * Writes a Mosquitto configuration for the election into {@code <election>/broker/}: a mutual-TLS listener that
 * admits only certificates of the election CA not on its CRL, takes the certificate's CN as the user name, and an
 * ACL that lets each device write only its own reports and read only its own receipts, and the hub read every
 * report and write receipts.
 */
public final class BrokerSetup {
    private final ElectionAuthority authority;

    public BrokerSetup(ElectionAuthority authority) {
        this.authority = authority;
    }

    /**
     * @param hosts    names and addresses devices use to reach the broker (its certificate covers them)
     * @param port     TLS port (8883 by convention)
     * @param bind     address to listen on
     * @param dirOnHost where the files will sit on the broker host (paths in mosquitto.conf); default: here
     * @param runAs     the user Mosquitto runs as once started (its {@code user} option); null keeps Mosquitto's
     *                  default, {@code mosquitto}, which must be able to read every file, the key included
     */
    public Path write(List<String> hosts, int port, String bind, Path dirOnHost, String runAs) {
        if (port < 1 || port > 65535) {
            throw new ProvisioningException("port must be 1..65535, found: " + port);
        }
        Path dir = authority.files().broker();
        Path onHost = dirOnHost != null ? dirOnHost : dir.toAbsolutePath();
        String election = authority.election().id();
        var now = authority.clock().instant();
        ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        var cert = authority.issuer().brokerCertificate(election, hosts, Keys.publicOf(key),
                now.minus(ElectionSetup.BACKDATE), ElectionSetup.VALIDITY);
        try {
            Files.createDirectories(dir);
            Pem.writePrivateKey(dir.resolve("server.key"), key);
            Pem.writeCertificate(dir.resolve("server.pem"), cert);
            Pem.writeCertificate(dir.resolve("ca.pem"), authority.issuer().caCertificate());
            Files.copy(authority.files().crl(), dir.resolve("crl.pem"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("acl"), acl());
            Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                    "# Mosquitto configuration for election " + election + ", written by 'provisioning broker'.",
                    "# After a revocation copy the new crl.pem here and restart Mosquitto: it reads the CRL at start.",
                    "per_listener_settings false",
                    runAs == null ? "# Mosquitto reads these files as user 'mosquitto': chown them to it" : "user " + runAs,
                    "allow_anonymous false",
                    "acl_file " + onHost.resolve("acl"),
                    "",
                    "listener " + port + " " + bind,
                    "cafile " + onHost.resolve("ca.pem"),
                    "certfile " + onHost.resolve("server.pem"),
                    "keyfile " + onHost.resolve("server.key"),
                    "crlfile " + onHost.resolve("crl.pem"),
                    "require_certificate true",
                    "use_identity_as_username true",
                    "tls_version tlsv1.2",
                    ""));
        } catch (IOException e) {
            throw new ProvisioningException("cannot write the broker configuration in " + dir + ": "
                    + e.getMessage());
        }
        return dir;
    }

    static String acl() {
        String p = Topics.PREFIX;
        return String.join("\n",
                "# The hub (certificate CN '" + CertificateIssuer.HUB_NAME + "') reads every device's reports and"
                        + " answers each device.",
                "user " + CertificateIssuer.HUB_NAME,
                "topic read " + p + "+/" + Topics.TURNOUT,
                "topic read " + p + "+/" + Topics.RESULT,
                "topic read " + p + "+/" + Topics.HEALTH,
                "topic write " + p + "+/" + Topics.RECEIPT,
                "",
                "# Every device (certificate CN = its id) writes only its own reports and reads only its receipts.",
                "pattern write " + p + "%u/" + Topics.TURNOUT,
                "pattern write " + p + "%u/" + Topics.RESULT,
                "pattern write " + p + "%u/" + Topics.HEALTH,
                "pattern read " + p + "%u/" + Topics.RECEIPT,
                "");
    }
}
