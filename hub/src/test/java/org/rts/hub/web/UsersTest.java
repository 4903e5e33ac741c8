package org.rts.hub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.HubException;
import org.rts.hub.HubMain;

/** The operations room's users file, kept with {@code hub users}: roles, passwords, and the mistakes refused. */
class UsersTest {
    @TempDir
    Path dir;

    @Test
    void users_are_added_listed_given_a_new_password_and_removed_in_a_private_file() throws Exception {
        Path file = dir.resolve("ops-users");
        Users.add(file, "amal", Users.Role.ADMINISTRATOR, "first password".toCharArray());
        Users.add(file, "samir", Users.Role.VIEWER, "samir's password".toCharArray());
        assertEquals(Map.of("amal", Users.Role.ADMINISTRATOR, "samir", Users.Role.VIEWER), Users.list(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(Files.readString(file).contains("first password"), "no password in clear");

        Users.passwd(file, "amal", "second password".toCharArray());
        Users users = Users.read(file);
        assertTrue(users.check("amal", "second password".toCharArray()));
        assertFalse(users.check("amal", "first password".toCharArray()));
        assertEquals(Users.Role.ADMINISTRATOR, users.role("amal"), "a new password keeps the role");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Users.remove(file, "samir");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "a file the hub's group reads stays readable to it");
        assertEquals(List.of("amal"), List.copyOf(Users.list(file).keySet()));
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "no partial file left beside it");
        }
    }

    @Test
    void a_line_written_before_roles_is_an_operator_and_mistakes_are_refused_saying_why() throws Exception {
        Path file = dir.resolve("ops-users");
        String old = Users.line("amal", "first password".toCharArray()).replace(":operator:", ":");
        Files.writeString(file, "# the room\n" + old + "\n");
        assertEquals(Users.Role.OPERATOR, Users.read(file).role("amal"));

        assertEquals("user 'amal' is already in " + file + ": 'hub users passwd' changes the password",
                assertThrows(HubException.class, () -> Users.add(file, "amal", Users.Role.VIEWER,
                        "another password".toCharArray())).getMessage());
        assertEquals("'amal' is the last user of " + file + ": add another first",
                assertThrows(HubException.class, () -> Users.remove(file, "amal")).getMessage());
        assertEquals("no user 'omar' in " + file + ": 'hub users add' adds one",
                assertThrows(HubException.class, () -> Users.passwd(file, "omar", "a long password".toCharArray()))
                        .getMessage());
        assertEquals("unknown role 'boss'; the roles are viewer, operator and administrator",
                assertThrows(HubException.class, () -> Users.Role.named("boss")).getMessage());
        assertThrows(HubException.class, () -> Users.add(file, "omar", Users.Role.VIEWER, "short".toCharArray()));
        Files.writeString(file, old + "\n" + old + "\n");
        assertEquals(file + ":2: user 'amal' is named twice", assertThrows(HubException.class,
                () -> Users.read(file)).getMessage());
        Files.writeString(file, "amal:chief:pbkdf2$1$AA==$AA==\n");
        assertThrows(HubException.class, () -> Users.read(file));
    }

    @Test
    void the_command_reads_the_password_from_its_input_and_says_what_it_did() throws Exception {
        Path file = dir.resolve("ops-users");
        InputStream in = System.in;
        try {
            System.setIn(new ByteArrayInputStream("a long password\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, HubMain.run("users", "add", "amal", "--role", "Operator", "--file", file.toString()));
        } finally {
            System.setIn(in);
        }
        assertTrue(Users.read(file).check("amal", "a long password".toCharArray()));
        assertEquals(Users.Role.OPERATOR, Users.read(file).role("amal"));
        assertEquals(1, HubMain.run("users", "remove", "amal", "--file", file.toString()), "the last user stays");
    }
}
