package org.rts.hub.web;

import java.nio.file.Path;

/**
 * Where the operations room is served and who may sign in.
 *
 * @param bind  address to listen on (default 127.0.0.1: put a TLS proxy in front to serve it beyond the host)
 * @param port  port (0: any free one)
 * @param users the users file written with {@code hub ops-user}
 */
public record OpsRoom(String bind, int port, Path users) {
    public OpsRoom {
        bind = bind == null || bind.isBlank() ? "127.0.0.1" : bind;
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("ops port must be 0..65535, found: " + port);
        }
        if (users == null) {
            throw new IllegalArgumentException("the operations room needs a users file (hub ops-user)");
        }
    }
}
