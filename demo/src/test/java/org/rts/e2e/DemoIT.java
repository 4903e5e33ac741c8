package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.Demo;

/** The README's first command: every expectation of the demonstration holds. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DemoIT {
    @TempDir
    Path dir;

    @Test
    void the_demonstration_passes_every_check() throws Exception {
        List<Demo.Check> checks = new Demo(dir, System.out).run();
        assertEquals(List.of(), checks.stream().filter(c -> !c.passed()).toList());
        assertEquals(22, checks.size());
    }
}
