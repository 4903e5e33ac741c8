package org.rts.hub.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.rts.hub.HubException;
import org.rts.hub.receipt.ReceiptIssuer;

/** Signs a batch's drafts into decisions, keeping their order. */
public interface Signing {
    List<Decision> all(List<Intake.Draft> drafts, ReceiptIssuer issuer);

    /** One after the other, in the calling thread. */
    Signing IN_TURN = (drafts, issuer) -> drafts.stream().map(d -> d.sign(issuer)).toList();

    /** In parallel on {@code pool} (a single draft in the calling thread). */
    static Signing parallel(ExecutorService pool) {
        return (drafts, issuer) -> {
            if (drafts.size() == 1) {
                return List.of(drafts.get(0).sign(issuer));
            }
            List<Future<Decision>> futures = new ArrayList<>(drafts.size());
            for (Intake.Draft d : drafts) {
                futures.add(pool.submit(() -> d.sign(issuer)));
            }
            List<Decision> out = new ArrayList<>(drafts.size());
            try {
                for (Future<Decision> f : futures) {
                    out.add(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubException("interrupted while signing receipts", e);
            } catch (ExecutionException e) {
                throw new HubException("signing a receipt failed: " + e.getCause(), e.getCause());
            }
            return out;
        };
    }
}
