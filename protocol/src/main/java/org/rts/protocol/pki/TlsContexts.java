package org.rts.protocol.pki;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Mutual-TLS socket factories from the PEM files a bundle holds: the client presents its certificate and trusts
 * only the election CA, so it talks to no broker the election did not certify.
 */
public final class TlsContexts {
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private TlsContexts() {
    }

    public static SSLSocketFactory client(ECPrivateKeyParameters key, X509CertificateHolder certificate,
                                          X509CertificateHolder ca) {
        return new NoDelaySockets(context(key, certificate, java.util.List.of(ca)).getSocketFactory());
    }

    /**
     * A TLS context presenting {@code certificate} (none when {@code key} is null) and trusting {@code trusted}, or
     * the JDK's default authorities when {@code trusted} is empty (a tally centre with a public certificate).
     */
    public static SSLContext context(ECPrivateKeyParameters key, X509CertificateHolder certificate,
                                     java.util.List<X509CertificateHolder> trusted) {
        try {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            KeyManagerFactory kmf = null;
            if (key != null) {
                X509Certificate cert = converter.getCertificate(certificate);
                PrivateKey privateKey = new JcaPEMKeyConverter().getPrivateKey(Keys.privateKeyInfo(key));
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("own", privateKey, IN_MEMORY, new Certificate[] {cert});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, IN_MEMORY);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trusted.isEmpty()) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                for (int i = 0; i < trusted.size(); i++) {
                    trust.setCertificateEntry("trusted-" + i, converter.getCertificate(trusted.get(i)));
                }
                tmf.init(trust);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new PkiException("cannot set up TLS" + (certificate == null ? "" : " with certificate "
                    + certificate.getSubject()) + ": " + e.getMessage(), e);
        }
    }
}
