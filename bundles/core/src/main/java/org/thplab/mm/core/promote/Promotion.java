package org.thplab.mm.core.promote;

import java.util.ArrayList;
import java.util.List;
import org.thplab.mm.api.Tunables;
import org.thplab.mm.core.alloc.Allocator;
import org.thplab.mm.core.clock.Clock;
import org.thplab.mm.core.folio.AnonAlloc;
import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmSlots;
import org.thplab.mm.core.vma.MmapLock;
import org.thplab.mm.core.vma.Tasks;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.ReservationInfo;
import org.thplab.mm.spi.promote.CollapseTicket;
import org.thplab.mm.spi.promote.PmdScan;
import org.thplab.mm.spi.promote.PromotionContext;
import org.thplab.mm.spi.promote.ScanResult;
import org.thplab.mm.spi.promote.VmaRange;

/**
 * The machine as promoters see it ({@link PromotionContext}): khugepaged's mm_slot list, the
 * address spaces by id, and the promotion mechanisms (scan, copy collapse, in-place promotion of
 * a reservation, promotion through migration entries) with the mmap lock. After each promoter
 * call, {@link #cleanupAfter} makes sure it left no lock held and no collapse open.
 */
public final class Promotion implements PromotionContext {
    private final ThpTunables tunables;
    private final Clock clock;
    private final PolicyGuard guard;
    private final Tasks tasks;
    private final MmSlots slots;
    private final MmapLock mmapLock;
    private final Reservations reservations;
    private final Migrations migrations;
    private final PmdScanner scanner;
    private final Collapse collapse;
    /**
     * Calls of a mechanism that may change the machine (everything but the reads, scanPmd and
     * the full-scan count): {@link IdlePasses} skips only wakes that made none.
     */
    private long mutations;

    public Promotion(Kernel k, MmSlots slots, MmapLock mmapLock, Allocator allocator, Folios folios, AnonAlloc anon,
            Reservations reservations, Migrations migrations) {
        this.tunables = k.tunables();
        this.clock = k.clock();
        this.guard = k.guard();
        this.tasks = k.tasks();
        this.slots = slots;
        this.mmapLock = mmapLock;
        this.reservations = reservations;
        this.migrations = migrations;
        this.scanner = new PmdScanner(k, slots, folios);
        this.collapse = new Collapse(k, allocator, folios, anon, mmapLock, scanner);
    }

    @Override
    public Tunables tunables() {
        return tunables;
    }

    @Override
    public long now() {
        return clock.now();
    }

    @Override
    public void charge(long nanos) {
        guard.checkBudget();
        if (nanos < 0) {
            throw new IllegalArgumentException("negative charge " + nanos);
        }
        clock.charge(nanos);
    }

    @Override
    public List<Integer> khugepagedMms() {
        guard.checkBudget();
        List<Integer> ids = new ArrayList<>(slots.slots.size());
        for (AddressSpace mm : slots.slots) {
            ids.add(mm.id);
        }
        return ids;
    }

    @Override
    public void collectMmSlot(int id) {
        mutations++;
        AddressSpace mm = any(id);
        if (!mm.dead) {
            throw new IllegalStateException("collectMmSlot: process " + mm.name + " has not exited");
        }
        slots.slots.remove(mm);
        tasks.mms.remove(id);
    }

    @Override
    public int mmOf(String proc) {
        AddressSpace mm = tasks.procs.get(proc);
        return mm == null ? -1 : mm.id;
    }

    @Override
    public String processName(int id) {
        return any(id).name;
    }

    @Override
    public boolean alive(int id) {
        AddressSpace mm = tasks.mms.get(id);
        return mm != null && !mm.dead;
    }

    @Override
    public boolean young(int id, long address) {
        guard.checkBudget();
        AddressSpace mm = tasks.mms.get(id);
        return mm != null && !mm.dead && AccessBits.young(mm, address);
    }

    @Override
    public void mkold(int id, long address) {
        guard.checkBudget();
        AddressSpace mm = tasks.mms.get(id);
        if (mm != null && !mm.dead) {
            mutations++;
            AccessBits.mkold(mm, address);
        }
    }

    @Override
    public List<VmaRange> vmas(int id) {
        guard.checkBudget();
        AddressSpace mm = any(id);
        List<VmaRange> out = new ArrayList<>(mm.vmas.size());
        for (Vma v : mm.vmas) {
            out.add(new VmaRange(v.start, v.end, v.hugepage(), v.nohugepage(), v.anonVma));
        }
        return out;
    }

    @Override
    public boolean thpAllowed(int id, long address, boolean enforceSysfs) {
        AddressSpace mm = any(id);
        Vma v = mm.find(address);
        return v != null && slots.allowed(v, enforceSysfs);
    }

    private AddressSpace any(int id) {
        guard.checkBudget(); // every mechanism that names a process
        return tasks.any(id);
    }

    // ----------------------------------------------------------------------------------------
    // Scan and collapse.

    @Override
    public PmdScan scanPmd(int id, long haddr, boolean khugepaged) {
        return scanner.scanPmd(any(id), haddr, khugepaged);
    }

    @Override
    public ScanResult collapseHugePage(int id, PmdScan scan, boolean khugepaged) {
        mutations++;
        return collapse.collapseHugePage(any(id), scan, khugepaged);
    }

    @Override
    public CollapseTicket prepareCollapse(int id, PmdScan scan, boolean khugepaged) {
        mutations++;
        return collapse.prepareCollapse(any(id), scan, khugepaged);
    }

    @Override
    public ScanResult commitCollapse(CollapseTicket ticket) {
        mutations++;
        guard.checkBudget();
        return collapse.commitCollapse(ticket);
    }

    @Override
    public void abortCollapse(CollapseTicket ticket) {
        mutations++;
        guard.checkBudget();
        collapse.abortCollapse(ticket);
    }

    // ----------------------------------------------------------------------------------------
    // The mmap lock, reservations, migration entries and khugepaged's own counters.

    @Override
    public void lockMmapWrite(int id) {
        mutations++;
        mmapLock.lockWrite(any(id), runner);
    }

    /** The promotion policy calling now, as the mmap lock names its holder: set by whoever calls it. */
    private String runner = "promotion_policy";

    /** {@code name} (a promoter's wake, MADV_COLLAPSE) calls the promotion policy from now on. */
    void running(String name) {
        runner = name;
    }

    @Override
    public void unlockMmapWrite(int id) {
        mutations++;
        mmapLock.unlockWrite(any(id));
    }

    @Override
    public List<org.thplab.mm.spi.ReservationInfo> reservations() {
        return reservations.all();
    }

    @Override
    public ScanResult promoteReservation(int id, long address) {
        mutations++;
        AddressSpace mm = any(id);
        var r = mm.reservations.get(address);
        if (r == null) {
            return ScanResult.SCAN_FAIL;
        }
        return reservations.promote(r);
    }

    @Override
    public ScanResult promoteByMigration(int id, long address) {
        mutations++;
        return migrations.start(any(id), address);
    }

    @Override
    public void countPagesCollapsed() {
        mutations++;
        guard.checkBudget();
        tunables.pagesCollapsed++;
    }

    @Override
    public void countFullScan() {
        guard.checkBudget();
        tunables.fullScans++;
    }


    /** @return how many calls of a mechanism that may change the machine promoters have made */
    long mutations() {
        return mutations;
    }

    /**
     * After a promoter's call: no mmap lock stays held and no prepared collapse stays open (its
     * huge page would leak); a promoter that left either behind is stopped.
     */
    public void cleanupAfter(Object promoter) {
        boolean lock = false;
        // Looked for only when some lock is held: this runs after every promoter call (each
        // reservation fault makes one), and a walk over every mm, the exited ones khugepaged has
        // not collected yet included, was most of such a fault.
        if (mmapLock.writers() > 0) {
            for (AddressSpace mm : tasks.mms.values()) {
                if (mm.mmapWriteSince >= 0) {
                    mmapLock.unlockWrite(mm);
                    lock = true;
                }
            }
        }
        boolean tickets = collapse.abortOpen();
        if (lock) {
            guard.failed(promoter, "left the mmap lock held for write");
        }
        if (tickets) {
            guard.failed(promoter, "left a prepared collapse neither committed nor aborted");
        }
    }
}
