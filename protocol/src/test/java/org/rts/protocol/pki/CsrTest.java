package org.rts.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.protocol.files.BundleFiles;

class CsrTest {
    @Test
    void enrolling_again_keeps_the_units_key_and_asks_for_the_same_identity(@TempDir Path dir) throws Exception {
        BundleFiles bundle = new BundleFiles(dir);
        assertTrue(Csr.writeRequest(bundle.deviceKey(), bundle.request(), "dev-0001"));
        String key = Files.readString(bundle.deviceKey());

        assertFalse(Csr.writeRequest(bundle.deviceKey(), bundle.request(), "dev-0001"));
        assertEquals(key, Files.readString(bundle.deviceKey()));
        Csr.Request request = Csr.read(bundle.request());
        assertEquals("dev-0001", request.deviceId());
        assertTrue(Keys.samePublicKey(Keys.publicOf(Pem.readPrivateKey(bundle.deviceKey())), request.publicKey()));
    }
}
