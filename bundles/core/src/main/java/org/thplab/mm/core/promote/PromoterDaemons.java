package org.thplab.mm.core.promote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.clock.CostModel;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.spi.promote.PromotionPolicy;

/**
 * The enabled promoters as daemons on the machine's clock (khugepaged's kthread, in simulated
 * time): each is woken when it asked to be ({@link PromotionPolicy#nextWake}), inside the policy
 * fence, and asked again for its next wake afterwards. A daemon with no work
 * ({@link PromotionPolicy#WAIT_FOR_WORK}) sleeps until {@link #mmEntered} wakes it.
 */
public final class PromoterDaemons {
    private static final PolicyGuard.Call<PromotionPolicy, PromoterDaemons> NEXT_WAKE = (p, d) -> d.delay = p.nextWake(d.ctx);
    private static final PolicyGuard.Call<PromotionPolicy, PromoterDaemons> WAKE = (p, d) -> p.wake(d.ctx);
    private static final PolicyGuard.Call<PromotionPolicy, PromoterDaemons> CURSOR = (p, d) -> d.cursor = p.scanCursor(d.ctx);

    private final Clock clock;
    private final PolicyGuard guard;
    private final Promotion ctx;
    /**
     * The promoters currently scheduled, with their event names, in the order they were enabled:
     * a change of the tunables reschedules them in that order, so that daemons due at one instant
     * run in the same order in every run (an identity map's order changed from JVM to JVM).
     */
    private final Map<PromotionPolicy, String> daemons = new LinkedHashMap<>();
    /** The daemons asleep until work arrives, in the order they went to sleep. */
    private final Map<PromotionPolicy, String> waiting = new LinkedHashMap<>();
    private final IdlePasses idle;
    private int daemonSeq;
    private long delay;
    private Object cursor;

    public PromoterDaemons(Kernel k, Promotion ctx) {
        this.clock = k.clock();
        this.guard = k.guard();
        this.ctx = ctx;
        this.idle = new IdlePasses(k, ctx);
    }

    /** Promoters that came or went since the last operation: schedule or cancel their daemon. */
    public void update(List<PromotionPolicy> promoters) {
        var gone = new ArrayList<>(daemons.keySet());
        gone.removeAll(promoters);
        for (var g : gone) {
            clock.cancel(daemons.remove(g));
            waiting.remove(g);
        }
        for (var pr : promoters) {
            if (!daemons.containsKey(pr)) {
                String name = "promoter-" + daemonSeq++ + " (" + pr.getClass().getSimpleName() + ")";
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
        waiting.clear();
        for (var e : daemons.entrySet()) {
            clock.cancel(e.getValue());
            schedule(e.getKey(), e.getValue());
        }
    }

    /**
     * An address space entered khugepaged's empty list (__khugepaged_enter()'s wake_up): the
     * daemons waiting for work run at once, at the end of the operation that registered it.
     */
    public void mmEntered() {
        if (waiting.isEmpty()) {
            return;
        }
        var woken = new ArrayList<>(waiting.entrySet());
        waiting.clear();
        for (var e : woken) {
            PromotionPolicy pr = e.getKey();
            String name = e.getValue();
            clock.schedule(name, 0, () -> run(pr, name));
        }
    }

    /** A daemon's scan cursor, by its event name; null when it cannot say (or failed saying). */
    private Object cursorOf(String name) {
        for (var e : daemons.entrySet()) {
            if (e.getValue().equals(name)) {
                return guard.call(e.getKey(), "scanCursor", this, CURSOR) ? cursor : null;
            }
        }
        return null;
    }

    private void schedule(PromotionPolicy pr, String name) {
        if (!guard.usable(pr) || !guard.call(pr, "nextWake", this, NEXT_WAKE)) {
            return;
        }
        if (delay >= 0) {
            clock.schedule(name, delay, () -> run(pr, name));
        } else if (delay == PromotionPolicy.WAIT_FOR_WORK) {
            waiting.put(pr, name);
        }
    }

    private void run(PromotionPolicy pr, String name) {
        if (daemons.get(pr) != name || !guard.usable(pr)) {
            return; // disabled meanwhile
        }
        // whole cycles of wakes that would change nothing: counted, and this wake runs after them
        idle.skip(name, daemons::containsValue, this::cursorOf);
        clock.charge(CostModel.DAEMON_WAKE);
        ctx.running(pr.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        if (!guard.call(pr, "wake", this, WAKE)) {
            idle.reset();
        }
        ctx.cleanupAfter(pr);
        schedule(pr, name);
    }
}
