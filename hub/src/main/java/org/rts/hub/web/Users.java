package org.rts.hub.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.rts.hub.HubException;

/**
 * The operations room's users: a file of {@code name:role:pbkdf2$<iterations>$<salt>$<hash>} lines (PBKDF2 with
 * HMAC-SHA-256, base64), kept with {@code hub users add|remove|passwd|list}. A line without a role (as written
 * before roles) is an operator's. No password is kept in clear anywhere.
 */
public final class Users implements SignIn.Passwords {
    static final int ITERATIONS = 210_000;
    private static final String HASH = "pbkdf2\\$\\d+\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+";

    /** What a user may do: a viewer looks, an operator handles alerts, an administrator also manages the room. */
    public enum Role {
        VIEWER,
        OPERATOR,
        ADMINISTRATOR;

        /** The role named {@code name} (any case); throws listing the roles. */
        public static Role named(String name) {
            for (Role r : values()) {
                if (r.name().equalsIgnoreCase(name)) {
                    return r;
                }
            }
            throw new HubException("unknown role '" + name + "'; the roles are viewer, operator and administrator");
        }
    }

    private record User(Role role, String hash) {
    }

    private final Map<String, User> users;

    private Users(Map<String, User> users) {
        this.users = Map.copyOf(users);
    }

    /** Reads the users file; a line that is not {@code name[:role]:pbkdf2$...} is refused naming its number. */
    public static Users read(Path file) {
        Users users = new Users(parse(file, lines(file)));
        if (users.users.isEmpty()) {
            throw new HubException(file + " names no user: add one with 'hub users add NAME --role administrator'");
        }
        return users;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new HubException("cannot read the operations room's users file " + file + ": " + e.getMessage());
        }
    }

    private static Map<String, User> parse(Path file, List<String> lines) {
        Map<String, User> map = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(":", 3);
            boolean old = parts.length == 2 && parts[1].matches(HASH);
            if (parts[0].isEmpty() || !old && (parts.length != 3 || !parts[2].matches(HASH))) {
                throw new HubException(file + ":" + (i + 1) + ": expected 'name:role:pbkdf2$...' as 'hub users add'"
                        + " writes it");
            }
            Role role = old ? Role.OPERATOR : Role.named(parts[1]);
            if (map.put(parts[0], new User(role, old ? parts[1] : parts[2])) != null) {
                throw new HubException(file + ":" + (i + 1) + ": user '" + parts[0] + "' is named twice");
            }
        }
        return map;
    }

    /** A users-file line for {@code name}, an operator, with {@code password}. */
    public static String line(String name, char[] password) {
        return line(name, Role.OPERATOR, password);
    }

    /** A users-file line for {@code name} in {@code role} with {@code password}. */
    public static String line(String name, Role role, char[] password) {
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new HubException("a user name is 1..64 of letters, digits, '.', '_' or '-', found: " + name);
        }
        return name + ":" + role.name().toLowerCase(Locale.ROOT) + ":" + hash(password);
    }

    private static String hash(char[] password) {
        if (password.length < 10) {
            throw new HubException("the password must have at least 10 characters");
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return "pbkdf2$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, ITERATIONS));
    }

    /** Adds {@code name} to the users file (made, mode 0600, if there is none); refuses a name already there. */
    public static void add(Path file, String name, Role role, char[] password) {
        List<String> lines = Files.exists(file) ? lines(file) : new ArrayList<>();
        if (parse(file, lines).containsKey(name)) {
            throw new HubException("user '" + name + "' is already in " + file + ": 'hub users passwd' changes the"
                    + " password");
        }
        List<String> changed = new ArrayList<>(lines);
        changed.add(line(name, role, password));
        write(file, changed);
    }

    /** Removes {@code name}; refuses an unknown name, and the last user (the room would let no one in). */
    public static void remove(Path file, String name) {
        List<String> lines = lines(file);
        Map<String, User> users = parse(file, lines);
        if (!users.containsKey(name)) {
            throw new HubException("no user '" + name + "' in " + file + "; its users are " + users.keySet());
        }
        if (users.size() == 1) {
            throw new HubException("'" + name + "' is the last user of " + file + ": add another first");
        }
        write(file, lines.stream().filter(l -> !l.strip().startsWith(name + ":")).toList());
    }

    /** Gives {@code name} a new password, keeping its role. */
    public static void passwd(Path file, String name, char[] password) {
        List<String> lines = lines(file);
        User user = parse(file, lines).get(name);
        if (user == null) {
            throw new HubException("no user '" + name + "' in " + file + ": 'hub users add' adds one");
        }
        String line = line(name, user.role(), password);
        write(file, lines.stream().map(l -> l.strip().startsWith(name + ":") ? line : l).toList());
    }

    /** Each user's name and role, in the file's order. */
    public static Map<String, Role> list(Path file) {
        Map<String, Role> roles = new LinkedHashMap<>();
        parse(file, lines(file)).forEach((name, user) -> roles.put(name, user.role()));
        return roles;
    }

    /**
     * Writes the file whole beside itself, then renames it into place: a crash leaves the old one or the new. A new
     * file is private (0600); a file that exists keeps its permissions, and its owner and group where allowed (the
     * hub's own user must go on reading it).
     */
    private static void write(Path file, List<String> lines) {
        Path dir = file.toAbsolutePath().getParent();
        Path next = null;
        try {
            boolean exists = Files.exists(file);
            var permissions = exists ? Files.getPosixFilePermissions(file)
                    : PosixFilePermissions.fromString("rw-------");
            next = Files.createTempFile(dir, "." + file.getFileName(), ".part",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(next, lines, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(next, permissions);
            if (exists) {
                var old = Files.readAttributes(file, PosixFileAttributes.class);
                try {
                    Files.getFileAttributeView(next, PosixFileAttributeView.class).setGroup(old.group());
                    Files.setOwner(next, old.owner());
                } catch (IOException e) {
                    // not ours to give (not root): the file stays with whoever edits it
                }
            }
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                if (next != null) {
                    Files.deleteIfExists(next);
                }
            } catch (IOException ignored) {
                // the partial file is named .<file>.*.part beside it
            }
            throw new HubException("cannot write the users file " + file + ": " + e.getMessage()
                    + "; it is unchanged");
        }
    }

    @Override
    public boolean knows(String name) {
        return users.containsKey(name);
    }

    /** {@code name}'s role (null for an unknown name). */
    public Role role(String name) {
        User user = users.get(name);
        return user == null ? null : user.role();
    }

    /** Whether {@code password} is {@code name}'s, in time that does not depend on where it differs. */
    @Override
    public boolean check(String name, char[] password) {
        User user = users.get(name);
        if (user == null) {
            derive(password, new byte[16], ITERATIONS); // the same work for an unknown name
            return false;
        }
        String[] parts = user.hash().split("\\$");
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
