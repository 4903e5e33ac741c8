package org.rts.demo.load;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The least a unit's JVM can hold: the JDK alone, started with the launcher's options, makes the unit's mutual-TLS
 * 1.3 connection to the broker with the unit's own key and certificate and signs one report with the JDK's ECDSA,
 * then prints its resident memory. No project class and no library is loaded: what the agent holds beyond this is
 * its own code, its libraries and its data. Run by {@link UnitFootprint} in a process of its own.
 *
 * <p>{@code UnitFloor KEYSTORE HOST PORT}: a PKCS#12 file ({@link #PASSWORD}) holding the unit's key and certificate
 * ("unit") and the election CA ("ca").
 */
public final class UnitFloor {
    static final String PASSWORD = "floor";

    private UnitFloor() {
    }

    public static void main(String[] args) throws Exception {
        char[] password = PASSWORD.toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(args[0])) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(args[1],
                Integer.parseInt(args[2]))) {
            socket.startHandshake(); // the broker asks for the unit's certificate and checks it
        }
        Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initSign((PrivateKey) store.getKey("unit", password));
        signature.update("{\"v\":1,\"kind\":\"turnout\",\"voters\":412}".getBytes(StandardCharsets.UTF_8));
        signature.sign();
        String status = Files.readString(Path.of("/proc/self/status"));
        System.out.println(status.lines().filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: ?")
                .substring("VmRSS:".length()).strip());
    }
}
