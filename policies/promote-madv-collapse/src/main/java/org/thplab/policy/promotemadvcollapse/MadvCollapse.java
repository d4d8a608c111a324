package org.thplab.policy.promotemadvcollapse;

import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.thplab.mm.api.Errno;
import org.thplab.mm.api.SyscallResult;
import org.thplab.mm.spi.Policy;
import org.thplab.mm.spi.Policy.Kind;
import org.thplab.mm.spi.promote.CollapseTicket;
import org.thplab.mm.spi.promote.PmdScan;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.PromotionPolicy;
import org.thplab.mm.spi.promote.ScanResult;
import org.thplab.mm.spi.promote.VmaRange;

/**
 * MADV_COLLAPSE as in Linux 6.18 (madvise_collapse() in mm/khugepaged.c, called per VMA by
 * madvise_walk_vmas() in mm/madvise.c): synchronous, per PMD-aligned range of each VMA's part of
 * the request (rounded inward), ignoring max_ptes_*, the young check and the sysfs
 * {@code enabled} setting but refusing VM_NOHUGEPAGE; read-only PTEs collapse (no SCAN_PAGE_RO
 * since 6.18); swap entries are read back; a range already PMD-mapped (a THP or the huge zero
 * page) counts as done. A VMA's part returns 0 only if every range ends SCAN_SUCCEED or
 * SCAN_PMD_MAPPED, else madvise_collapse_errno() of the last failure; a part that holds no
 * whole aligned 2 MiB block is EINVAL, one that is empty after rounding is 0. The first VMA that
 * fails ends the call with its errno; holes in the range are the core's (ENOMEM).
 *
 * <p>With {@code batch} greater than 1 it collapses like the RFC's batched implementation (Zach
 * O'Keefe, March 2022): for a batch of ranges it first allocates the huge pages and swaps in
 * without the mmap lock, then takes the lock for write once and collapses them all, so the lock
 * is taken fewer times. {@code mm:stat} reports the hold time of the last call.
 */
@Component(configurationPid = "org.thplab.policy.madvcollapse")
@Policy(kind = Kind.promotion, name = "madv-collapse")
@Designate(ocd = MadvCollapse.Config.class)
public class MadvCollapse implements PromotionPolicy {
    static final long HPAGE_PMD_SIZE = 2L << 20;

    /** Configuration of the MADV_COLLAPSE promoter. */
    @ObjectClassDefinition(name = "thplab MADV_COLLAPSE", description = "MADV_COLLAPSE, as Linux 6.1+ or batched as the 2022 RFC")
    public @interface Config {
        @AttributeDefinition(description = "PMD ranges collapsed under one mmap write lock (1 = one at a time, as upstream)", min = "1", max = "512")
        int batch() default 1;
    }

    private volatile int batch = 1;

    public MadvCollapse() {
    }

    /** For embedding outside a framework: a promoter with this batch size. */
    public MadvCollapse(int batch) {
        this.batch = Math.max(1, Math.min(512, batch));
    }

    @Activate
    @Modified
    void configure(Config c) {
        batch = Math.max(1, Math.min(512, c.batch()));
    }

    @Override
    public SyscallResult madviseCollapse(PromotionContext ctx, int mm, long start, long len) {
        long end = start + len;
        for (VmaRange v : ctx.vmas(mm)) {
            if (v.end() <= start || v.start() >= end) {
                continue;
            }
            long s = Math.max(start, v.start());
            long e = Math.min(end, v.end());
            // thp_vma_allowable_order(vma, vm_flags, 0, PMD_ORDER): sysfs not enforced.
            if (!ctx.thpAllowed(mm, s, false)) {
                String why = v.nohugepage() ? "has VM_NOHUGEPAGE"
                        : !v.anonVma() ? "has no anon_vma (nothing was faulted in)" : "cannot hold an aligned 2 MiB";
                return SyscallResult.fail(Errno.EINVAL, String.format("VMA at 0x%x %s", v.start(), why));
            }
            SyscallResult r = collapseVma(ctx, mm, s, e);
            if (!r.ok()) {
                return r;
            }
        }
        return SyscallResult.OK;
    }

    /** madvise_collapse() over one VMA's part [s, e). */
    private SyscallResult collapseVma(PromotionContext ctx, int mm, long s, long e) {
        // Rounded inward to whole PMDs.
        long hstart = (s + HPAGE_PMD_SIZE - 1) & ~(HPAGE_PMD_SIZE - 1);
        long hend = e & ~(HPAGE_PMD_SIZE - 1);
        if (hstart > hend) {
            // Inside one 2 MiB block without reaching its ends: the kernel's final
            // thps == (hend - hstart) >> HPAGE_PMD_SHIFT compares 0 with an unsigned wrap, so
            // the call answers madvise_collapse_errno(SCAN_FAIL), EINVAL.
            return SyscallResult.fail(Errno.EINVAL, String.format(
                    "SCAN_FAIL: [0x%x, 0x%x) holds no whole aligned 2 MiB block", s, e));
        }
        // hstart == hend (no whole block, but the range reaches a block boundary): nothing to do, 0.
        int thps = 0;
        int total = 0;
        ScanResult lastFail = ScanResult.SCAN_FAIL;
        long lastAddr = 0;
        for (long addr = hstart; addr < hend; ) {
            List<PmdScan> scans = new ArrayList<>();
            for (int k = 0; k < batch && addr < hend; k++, addr += HPAGE_PMD_SIZE) {
                scans.add(ctx.scanPmd(mm, addr, false));
            }
            List<ScanResult> results = collapseBatch(ctx, mm, scans);
            for (int k = 0; k < results.size(); k++) {
                ScanResult r = results.get(k);
                total++;
                if (r == ScanResult.SCAN_SUCCEED || r == ScanResult.SCAN_PMD_MAPPED) {
                    thps++; // a THP, or one there already (also the huge zero page): done
                } else if (goesOn(r)) {
                    lastFail = r;
                    lastAddr = scans.get(k).address();
                } else {
                    return fail(r, scans.get(k).address());
                }
            }
        }
        return thps == total ? SyscallResult.OK : fail(lastFail, lastAddr);
    }

    /** Scans that passed are collapsed: prepared without the lock, committed under one write lock. */
    private static List<ScanResult> collapseBatch(PromotionContext ctx, int mm, List<PmdScan> scans) {
        List<ScanResult> out = new ArrayList<>();
        List<CollapseTicket> tickets = new ArrayList<>();
        for (PmdScan scan : scans) {
            if (scan.result() == ScanResult.SCAN_SUCCEED) {
                CollapseTicket t = ctx.prepareCollapse(mm, scan, false);
                tickets.add(t);
                out.add(t.result());
            } else {
                tickets.add(null);
                out.add(scan.result());
            }
        }
        boolean any = tickets.stream().anyMatch(t -> t != null && t.result() == ScanResult.SCAN_SUCCEED);
        if (!any) {
            return out;
        }
        ctx.lockMmapWrite(mm);
        try {
            for (int k = 0; k < tickets.size(); k++) {
                CollapseTicket t = tickets.get(k);
                if (t != null && t.result() == ScanResult.SCAN_SUCCEED) {
                    out.set(k, ctx.commitCollapse(t));
                }
            }
        } finally {
            ctx.unlockMmapWrite(mm);
        }
        return out;
    }

    /**
     * The results after which madvise_collapse() goes on with the next 2 MiB block (6.18's
     * whitelist; SCAN_PAGE_RO is gone with the writable check); any other failure ends the call.
     */
    static boolean goesOn(ScanResult r) {
        return switch (r) {
            case SCAN_PMD_NULL, SCAN_PTE_NON_PRESENT, SCAN_PTE_UFFD_WP, SCAN_LACK_REFERENCED_PAGE, SCAN_PAGE_NULL,
                    SCAN_PAGE_COUNT, SCAN_PAGE_LOCK, SCAN_PAGE_COMPOUND, SCAN_PAGE_LRU, SCAN_DEL_PAGE_LRU -> true;
            default -> false;
        };
    }

    /** madvise_collapse_errno(). */
    static SyscallResult fail(ScanResult r, long addr) {
        Errno e = switch (r) {
            case SCAN_ALLOC_HUGE_PAGE_FAIL -> Errno.ENOMEM;
            case SCAN_CGROUP_CHARGE_FAIL, SCAN_EXCEED_NONE_PTE -> Errno.EBUSY;
            case SCAN_PAGE_COUNT, SCAN_PAGE_LOCK, SCAN_PAGE_LRU, SCAN_DEL_PAGE_LRU, SCAN_PAGE_FILLED -> Errno.EAGAIN;
            default -> Errno.EINVAL;
        };
        return SyscallResult.fail(e, String.format("%s at 0x%x", r.name(), addr));
    }
}
