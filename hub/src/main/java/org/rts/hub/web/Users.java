package org.rts.hub.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.rts.hub.HubException;

/**
 * The operations room's users: a file of {@code name:pbkdf2$<iterations>$<salt>$<hash>} lines (PBKDF2 with
 * HMAC-SHA-256, base64), written with {@code hub ops-user}. No password is kept in clear anywhere.
 */
public final class Users implements SignIn.Passwords {
    static final int ITERATIONS = 210_000;
    private final Map<String, String> hashes;

    private Users(Map<String, String> hashes) {
        this.hashes = Map.copyOf(hashes);
    }

    /** Reads the users file; a line that is not {@code name:pbkdf2$...} is refused naming its number. */
    public static Users read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new HubException("cannot read the operations room's users file " + file + ": " + e.getMessage());
        }
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 1 || !line.substring(colon + 1).matches("pbkdf2\\$\\d+\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+")) {
                throw new HubException(file + ":" + (i + 1) + ": expected 'name:pbkdf2$...' as 'hub ops-user'"
                        + " writes it");
            }
            map.put(line.substring(0, colon), line.substring(colon + 1));
        }
        if (map.isEmpty()) {
            throw new HubException(file + " names no user: add one with 'hub ops-user NAME'");
        }
        return new Users(map);
    }

    /** A users-file line for {@code name} with {@code password}. */
    public static String line(String name, char[] password) {
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new HubException("a user name is 1..64 of letters, digits, '.', '_' or '-', found: " + name);
        }
        if (password.length < 10) {
            throw new HubException("the password must have at least 10 characters");
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return name + ":pbkdf2$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, ITERATIONS));
    }

    @Override
    public boolean knows(String name) {
        return hashes.containsKey(name);
    }

    /** Whether {@code password} is {@code name}'s, in time that does not depend on where it differs. */
    @Override
    public boolean check(String name, char[] password) {
        String stored = hashes.get(name);
        if (stored == null) {
            derive(password, new byte[16], ITERATIONS); // the same work for an unknown name
            return false;
        }
        String[] parts = stored.split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(parts[1])));
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(new PBEKeySpec(password, salt,
                    iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 missing from the JDK", e);
        }
    }
}
