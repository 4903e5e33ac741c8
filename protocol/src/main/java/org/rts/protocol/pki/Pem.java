package org.rts.protocol.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** Reads and writes the PEM files every tool here exchanges (openssl reads them all). */
public final class Pem {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    private Pem() {
    }

    public static X509CertificateHolder readCertificate(Path file) {
        List<X509CertificateHolder> certs = readCertificates(file);
        if (certs.size() != 1) {
            throw new PkiException("expected one certificate in " + file + ", found " + certs.size());
        }
        return certs.get(0);
    }

    public static List<X509CertificateHolder> readCertificates(Path file) {
        List<X509CertificateHolder> certs = new ArrayList<>();
        for (Object o : readObjects(file)) {
            if (o instanceof X509CertificateHolder c) {
                certs.add(c);
            }
        }
        if (certs.isEmpty()) {
            throw new PkiException("no certificate in " + file);
        }
        return certs;
    }

    /**
     * Reads a P-256 private key (PKCS#8 or SEC1 "EC PRIVATE KEY"). Refuses a key file others can read: a device's
     * key is its identity.
     */
    public static ECPrivateKeyParameters readPrivateKey(Path file) {
        requireOwnerOnly(file);
        for (Object o : readObjects(file)) {
            if (o instanceof PrivateKeyInfo info) {
                return withFile(file, () -> Keys.privateKey(info));
            }
            if (o instanceof PEMKeyPair pair) {
                return withFile(file, () -> Keys.privateKey(pair.getPrivateKeyInfo()));
            }
        }
        throw new PkiException("no private key in " + file);
    }

    public static void writeCertificate(Path file, X509CertificateHolder cert) {
        write(file, encode(cert), false);
    }

    public static void writePrivateKey(Path file, ECPrivateKeyParameters key) {
        write(file, encode(Keys.privateKeyInfo(key)), true);
    }

    /**
     * PEM text of a private key as PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), the form Java and so Kafka read;
     * {@link #encode} of a key gives OpenSSL's {@code EC PRIVATE KEY} (SEC1), which they do not.
     */
    public static String encodePkcs8(ECPrivateKeyParameters key) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject("PRIVATE KEY", Keys.privateKeyInfo(key).getEncoded()));
        } catch (IOException e) {
            throw new PkiException("cannot encode private key as PKCS#8", e);
        }
        return out.toString();
    }

    /** PEM text of a certificate, key info or CSR. */
    public static String encode(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new PkiException("cannot encode " + object.getClass().getSimpleName() + " as PEM", e);
        }
        return out.toString();
    }

    public static org.bouncycastle.pkcs.PKCS10CertificationRequest readCsr(Path file) {
        for (Object o : readObjects(file)) {
            if (o instanceof org.bouncycastle.pkcs.PKCS10CertificationRequest csr) {
                return csr;
            }
        }
        throw new PkiException("no certificate request in " + file);
    }

    /** Parses PEM text (for certificates kept in a registry or database rather than a file). */
    public static X509CertificateHolder parseCertificate(String pem) {
        try (PEMParser parser = new PEMParser(new java.io.StringReader(pem))) {
            Object o = parser.readObject();
            if (o instanceof X509CertificateHolder cert) {
                return cert;
            }
            throw new PkiException("not a PEM certificate");
        } catch (IOException e) {
            throw new PkiException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** Writes atomically (temp file, then rename), so a crash never leaves half a key; secrets get mode 0600. */
    public static void write(Path file, String text, boolean secret) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                setPermissions(tmp, secret ? OWNER_ONLY : PUBLIC);
                Files.writeString(tmp, text, StandardCharsets.US_ASCII);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new PkiException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void setPermissions(Path file, Set<PosixFilePermission> permissions) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file, permissions);
        }
    }

    private static void requireOwnerOnly(Path file) {
        try {
            if (Files.exists(file) && Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (!OWNER_ONLY.containsAll(perms)) {
                    throw new PkiException("key file " + file + " is readable by others (mode "
                            + PosixFilePermissions.toString(perms) + "): run 'chmod 600 " + file + "'");
                }
            }
        } catch (IOException e) {
            throw new PkiException("cannot check permissions of " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Object> readObjects(Path file) {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        } catch (NoSuchFileException e) {
            throw new PkiException("file not found: " + file);
        } catch (IOException | RuntimeException e) {
            throw new PkiException("cannot read PEM file " + file + ": " + e.getMessage(), e);
        }
        return objects;
    }

    private static <T> T withFile(Path file, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (PkiException e) {
            throw new PkiException(file + ": " + e.getMessage(), e);
        }
    }
}
