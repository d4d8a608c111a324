package org.thplab.mm.core.promote;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.spi.promote.PromotionPolicy;

/**
 * The enabled promoters as daemons on the machine's clock (khugepaged's kthread, in simulated
 * time): each is woken when it asked to be ({@link PromotionPolicy#nextWake}), inside the policy
 * fence, and asked again for its next wake afterwards.
 */
public final class PromoterDaemons {
    private static final PolicyGuard.Call<PromotionPolicy, PromoterDaemons> NEXT_WAKE = (p, d) -> d.delay = p.nextWake(d.ctx);
    private static final PolicyGuard.Call<PromotionPolicy, PromoterDaemons> WAKE = (p, d) -> p.wake(d.ctx);

    private final Clock clock;
    private final PolicyGuard guard;
    private final Promotion ctx;
    /** The promoters currently scheduled, with their event names. */
    private final Map<PromotionPolicy, String> daemons = new IdentityHashMap<>();
    private int daemonSeq;
    private long delay;

    public PromoterDaemons(Clock clock, PolicyGuard guard, Promotion ctx) {
        this.clock = clock;
        this.guard = guard;
        this.ctx = ctx;
    }

    /** Promoters that came or went since the last operation: schedule or cancel their daemon. */
    public void update(List<PromotionPolicy> promoters) {
        var gone = new ArrayList<>(daemons.keySet());
        gone.removeAll(promoters);
        for (var g : gone) {
            clock.cancel(daemons.remove(g));
        }
        for (var pr : promoters) {
            if (!daemons.containsKey(pr)) {
                String name = "promoter-" + daemonSeq++;
                daemons.put(pr, name);
                schedule(pr, name);
            }
        }
    }

    /**
     * A tunable changed: daemons re-read their sleep times now, as writing
     * khugepaged/scan_sleep_millisecs wakes khugepaged in the kernel.
     */
    public void tunablesChanged() {
        for (var e : daemons.entrySet()) {
            clock.cancel(e.getValue());
            schedule(e.getKey(), e.getValue());
        }
    }

    private void schedule(PromotionPolicy pr, String name) {
        if (!guard.usable(pr) || !guard.call(pr, "nextWake", this, NEXT_WAKE)) {
            return;
        }
        if (delay >= 0) {
            clock.schedule(name, delay, () -> run(pr, name));
        }
    }

    private void run(PromotionPolicy pr, String name) {
        if (daemons.get(pr) != name || !guard.usable(pr)) {
            return; // disabled meanwhile
        }
        guard.call(pr, "wake", this, WAKE);
        ctx.cleanupAfter(pr);
        schedule(pr, name);
    }
}
