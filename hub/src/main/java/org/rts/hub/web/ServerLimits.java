package org.rts.hub.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rts.hub.HubException;

/**
 * The room's {@link OpsRoom.Limits} as the JDK's HTTP server takes them: system properties that it reads once per
 * process, when its first server is made. So every room of a process must ask the same, and a {@code -D} option
 * that says otherwise is refused rather than silently winning or losing. No response time is set: a live-events
 * stream lasts as long as its session.
 */
final class ServerLimits {
    private ServerLimits() {
    }

    /** Sets the properties for {@code limits}, before the first server of the process is made. */
    static synchronized void apply(OpsRoom.Limits limits) {
        Map<String, String> want = new LinkedHashMap<>();
        want.put("jdk.httpserver.maxConnections", String.valueOf(limits.maxConnections()));
        want.put("sun.net.httpserver.maxReqTime", String.valueOf(limits.requestTime().toSeconds()));
        want.put("sun.net.httpserver.idleInterval", String.valueOf(limits.idle().toSeconds()));
        // how often idle and silent connections are looked for (default 10 s): within a second of their limit
        want.put("sun.net.httpserver.clockTick", "1000");
        for (Map.Entry<String, String> e : want.entrySet()) {
            String had = System.getProperty(e.getKey());
            if (had != null && !had.equals(e.getValue())) {
                throw new HubException("the operations room needs " + e.getKey() + "=" + e.getValue() + " (" + limits
                        + ") but this process has " + had + ", and the JDK's HTTP server reads it once per process:"
                        + " drop the -D" + e.getKey() + " option, or give every room of the process the same limits");
            }
        }
        want.forEach(System::setProperty);
    }
}
