package org.rts.hub.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.rts.hub.HubException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations room's users file as the running hub sees it: read again when it changes, so that a user added,
 * removed or given a new password or role with {@code hub users} counts at once, without restarting the hub. A file
 * that cannot be read or parsed keeps the users last read, and says why in the log.
 */
final class UsersFile implements SignIn.Passwords {
    private static final Logger LOG = LoggerFactory.getLogger(UsersFile.class);

    private final Path file;
    private Users users;
    private FileTime readAt;

    /** Reads the file now; a missing or malformed one is refused at start. */
    UsersFile(Path file) {
        this.file = file;
        this.users = Users.read(file);
        this.readAt = modified();
    }

    /** The users as the file says now (the last good reading when it has become unreadable). */
    synchronized Users current() {
        FileTime now = modified();
        if (now != null && !now.equals(readAt)) {
            readAt = now;
            try {
                users = Users.read(file);
                LOG.info("operations room: users file {} read again", file);
            } catch (HubException e) {
                LOG.error("operations room: users file {} changed but is not usable ({}): the users read before"
                        + " stay in force", file, e.getMessage());
            }
        }
        return users;
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public boolean check(String name, char[] password) {
        return current().check(name, password);
    }

    @Override
    public boolean knows(String name) {
        return current().knows(name);
    }

    Users.Role role(String name) {
        return current().role(name);
    }
}
