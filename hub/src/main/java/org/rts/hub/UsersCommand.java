package org.rts.hub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rts.hub.web.Users;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hub users add|remove|passwd|list}: the operations room's users file, kept without editing it by hand.
 * A running hub reads it at its start.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Manage the operations room's users file (the one given to 'hub run --ops-users').",
        subcommands = {UsersCommand.Add.class, UsersCommand.Remove.class, UsersCommand.Passwd.class,
                UsersCommand.List.class})
final class UsersCommand implements Runnable {
    @Override
    public void run() {
        throw new HubException("choose: hub users add|remove|passwd|list --file FILE");
    }

    /** The users file every subcommand works on. */
    static final class FileOption {
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The users file.")
        Path file;
    }

    /** The password, typed at the console without echo, or one line of standard input. */
    private static char[] password(String name) throws IOException {
        if (System.console() != null) {
            return System.console().readPassword("password for %s (at least 10 characters): ", name);
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? new char[0] : line.toCharArray();
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user with a role and a password.")
    static final class Add implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        FileOption file;

        @Parameters(paramLabel = "NAME", description = "The user's name.")
        String name;

        @Option(names = "--role", required = true, description = "viewer (looks only), operator (handles alerts)"
                + " or administrator (also manages the room).")
        String role;

        @Override
        public Integer call() throws IOException {
            Users.Role r = Users.Role.named(role);
            Users.add(file.file, name, r, password(name));
            System.out.printf("added %s (%s) to %s; a running hub takes it at its next start%n", name,
                    r.name().toLowerCase(Locale.ROOT), file.file);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user.")
    static final class Remove implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        FileOption file;

        @Parameters(paramLabel = "NAME", description = "The user's name.")
        String name;

        @Override
        public Integer call() {
            Users.remove(file.file, name);
            System.out.printf("removed %s from %s; restart the hub for it to take effect%n", name, file.file);
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Give a user a new password.")
    static final class Passwd implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        FileOption file;

        @Parameters(paramLabel = "NAME", description = "The user's name.")
        String name;

        @Override
        public Integer call() throws IOException {
            Users.passwd(file.file, name, password(name));
            System.out.printf("new password for %s in %s%n", name, file.file);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users and their roles.")
    static final class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        FileOption file;

        @Override
        public Integer call() {
            Users.list(file.file).forEach((name, role) -> System.out.println(name + " "
                    + role.name().toLowerCase(Locale.ROOT)));
            return 0;
        }
    }
}
