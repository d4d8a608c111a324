package org.thplab.mm.core.promote;

import org.thplab.mm.api.Errno;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.core.vma.MmapLock;
import org.thplab.mm.spi.promote.PromotionPolicy;

/**
 * MADV_COLLAPSE: handed to the first enabled promoter that implements it; EINVAL when none does,
 * as on a kernel without it. Records the last call's simulated time and mmap write hold.
 */
public final class MadviseCollapse {
    private static final PolicyGuard.Call<PromotionPolicy, MadviseCollapse> COLLAPSE =
            (p, c) -> c.res = p.madviseCollapse(c.ctx, c.id, c.from, c.len);

    private final Clock clock;
    private final PolicyGuard guard;
    private final Promotion ctx;
    private final MmapLock mmapLock;
    /** The last MADV_COLLAPSE: simulated time, mmap write hold, lock acquisitions. */
    public long lastNs;
    public long lastHoldNs;
    public long lastAcquisitions;
    // The call in progress.
    private SyscallResult res;
    private int id;
    private long from;
    private long len;

    public MadviseCollapse(Clock clock, PolicyGuard guard, Promotion ctx, MmapLock mmapLock) {
        this.clock = clock;
        this.guard = guard;
        this.ctx = ctx;
        this.mmapLock = mmapLock;
    }

    /** madvise(MADV_COLLAPSE) of [from, to) of address space {@code id}. */
    public SyscallResult collapse(int id, long from, long to) {
        long t0 = clock.now();
        long hold0 = mmapLock.writeNs;
        long acq0 = mmapLock.writeAcquisitions;
        this.id = id;
        this.from = from;
        this.len = to - from;
        SyscallResult out = null;
        for (var p : guard.policies().promoters()) {
            if (!guard.usable(p)) {
                continue;
            }
            res = null;
            ctx.running("madv_collapse");
            if (!guard.call(p, "madviseCollapse", this, COLLAPSE)) {
                res = SyscallResult.fail(Errno.EINVAL, "the promotion policy failed: " + guard.lastError());
            }
            ctx.cleanupAfter(p);
            if (res != null) {
                out = res;
                break;
            }
        }
        if (out == null) {
            return SyscallResult.fail(Errno.EINVAL, "MADV_COLLAPSE is not supported: no enabled promotion policy implements it");
        }
        lastNs = clock.now() - t0;
        lastHoldNs = mmapLock.writeNs - hold0;
        lastAcquisitions = mmapLock.writeAcquisitions - acq0;
        return out;
    }
}
