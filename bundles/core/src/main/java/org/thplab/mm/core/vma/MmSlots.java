package org.thplab.mm.core.vma;

import static org.thplab.mm.core.pagetable.PageTable.PMD_SIZE;

import java.util.ArrayList;
import java.util.List;
import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.api.Tunables;

/**
 * khugepaged's mm_slot list and the question it is asked by, thp_vma_allowable_order() for an
 * anonymous VMA at PMD order. Kept below fault, promotion and the syscalls, which all register
 * address spaces (khugepaged_enter_vma() and its call sites) or ask whether a THP is allowed.
 */
public final class MmSlots {
    private final Tunables tunables;
    /** khugepaged's mm_slot list, in registration order. */
    public final List<AddressSpace> slots = new ArrayList<>();

    /** khugepaged_wait's wake_up, when the list was empty. */
    private Runnable wakeup = () -> { };

    public MmSlots(Tunables tunables) {
        this.tunables = tunables;
    }

    /** Who is woken when an address space enters the empty list (the promoter daemons). */
    public void setWakeup(Runnable wakeup) {
        this.wakeup = wakeup;
    }

    /**
     * khugepaged_enter_vma(): registers the mm when khugepaged runs at all (enabled is not
     * never) and a PMD-sized THP is allowed in the VMA with the sysfs settings enforced.
     */
    public void enterVma(AddressSpace mm, Vma vma) {
        enterVma(mm, vma, false);
    }

    /** khugepaged_enter_vma() from a fault, where a VMA without anon_vma yet is allowed (TVA_IN_PF). */
    public void enterVma(AddressSpace mm, Vma vma, boolean inFault) {
        if (!mm.khugepaged && tunables.pmdEnabled() != ThpEnabled.NEVER && allowed(vma, true, inFault)) {
            register(mm);
        }
    }

    /** __khugepaged_enter(). */
    public void register(AddressSpace mm) {
        boolean wake = slots.isEmpty();
        mm.khugepaged = true;
        slots.add(mm);
        if (wake) {
            wakeup.run();
        }
    }

    /** thp_vma_allowable_order(PMD_ORDER) for an anonymous VMA, outside a fault (the VMA must hold an aligned 2 MiB). */
    public boolean allowed(Vma v, boolean enforceSysfs) {
        return allowed(v, enforceSysfs, false);
    }

    /**
     * __thp_vma_allowable_orders() outside a fault: VM_NOHUGEPAGE never; with the sysfs settings
     * enforced, enabled=always or madvise with VM_HUGEPAGE; the VMA holds an aligned 2 MiB; and,
     * except for smaps' THPeligible, a fault has prepared its anon_vma.
     */
    public boolean allowed(Vma v, boolean enforceSysfs, boolean smaps) {
        if (v.nohugepage()) {
            return false;
        }
        if (enforceSysfs) {
            ThpEnabled e = tunables.pmdEnabled();
            if (!(e == ThpEnabled.ALWAYS || (e == ThpEnabled.MADVISE && v.hugepage()))) {
                return false;
            }
        }
        long first = (v.start + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
        // Outside a fault, a VMA no fault has prepared (no anon_vma) is not eligible.
        return first + PMD_SIZE <= v.end && (v.anonVma || smaps);
    }
}
