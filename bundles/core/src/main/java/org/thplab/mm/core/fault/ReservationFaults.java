package org.thplab.mm.core.fault;

import org.thplab.mm.core.folio.Folios;
import org.thplab.mm.core.folio.PageTables;
import org.thplab.mm.core.kernel.Kernel;
import org.thplab.mm.core.pagetable.PageTable;
import org.thplab.mm.core.pagetable.PageTable.PmdTable;
import org.thplab.mm.core.pagetable.Pte;
import org.thplab.mm.core.pagetable.PteTable;
import org.thplab.mm.core.policy.PolicyGuard;
import org.thplab.mm.core.promote.Promotion;
import org.thplab.mm.core.reserve.Reservations;
import org.thplab.mm.core.vma.AddressSpace;
import org.thplab.mm.core.vma.MmSlots;
import org.thplab.mm.core.vma.Reservation;
import org.thplab.mm.core.vma.Vma;
import org.thplab.mm.spi.FaultOutcome;
import org.thplab.mm.spi.promote.PromotionPolicy;

/**
 * The fault-time side of THP reservations (the 2018 RFC): the first fault of a range reserves
 * its aligned block, later faults map from it, and each such fault is reported to the promoters,
 * which may promote the reservation in place.
 */
final class ReservationFaults {
    private static final PolicyGuard.Call<PromotionPolicy, ReservationFaults> RESERVATION_FAULTED =
            (p, c) -> p.reservationFaulted(c.promotion, c.mmId, c.haddr, c.used);

    private final PolicyGuard guard;
    private final Folios folios;
    private final PageTables tables;
    private final Reservations reservations;
    private final MmSlots slots;
    private final Promotion promotion;
    /** The reservation fault being reported to the promoters. */
    private int mmId;
    private long haddr;
    private int used;

    ReservationFaults(Kernel k, Folios folios, PageTables tables, Reservations reservations, MmSlots slots,
            Promotion promotion) {
        this.guard = k.guard();
        this.folios = folios;
        this.tables = tables;
        this.reservations = reservations;
        this.slots = slots;
        this.promotion = promotion;
    }

    boolean reserved(AddressSpace mm, long va) {
        return reservations.at(mm, va) != null;
    }

    int used(AddressSpace mm, long va) {
        Reservation r = reservations.at(mm, va);
        return r == null ? 0 : r.used;
    }

    /** Maps the faulting page from the range's reservation; FALLBACK when there is none or the PTE is taken. */
    FaultOutcome mapFromReservation(AddressSpace mm, Vma vma, long va, PmdTable t, int slot) {
        Reservation r = reservations.at(mm, va);
        int k = PageTable.pteIndex(va);
        if (r == null || r.isMapped(k)) {
            return FaultOutcome.FALLBACK;
        }
        PteTable ptes = t.pte[slot];
        if (ptes == null) {
            if (t.pmd[slot] != 0) {
                return FaultOutcome.FALLBACK;
            }
            ptes = tables.allocPteTable(mm, t, slot);
            if (ptes == null) {
                return FaultOutcome.OOM;
            }
        }
        long e = ptes.get(k);
        if (Pte.kind(e) != Pte.EMPTY && Pte.kind(e) != Pte.ZERO) {
            return FaultOutcome.FALLBACK;
        }
        mm.anonVmaPrepare(vma);
        int p = reservations.take(r, k);
        folios.initAnonMapped(p, mm.family.id, (int) (va >>> 12));
        ptes.set(k, Pte.make(Pte.PRESENT, Pte.WRITE | Pte.DIRTY | Pte.YOUNG | Pte.EXCLUSIVE, p));
        mm.rssAnon++;
        mmId = mm.id;
        haddr = r.haddr;
        used = r.used;
        for (PromotionPolicy pr : guard.policies().reservationListeners()) {
            if (guard.usable(pr)) {
                guard.call(pr, "reservationFaulted", this, RESERVATION_FAULTED);
                promotion.cleanupAfter(pr);
            }
        }
        return FaultOutcome.MAPPED;
    }

    /** Reserves the range's block and maps the faulting page from it; FALLBACK when the range maps memory already or no block can be had. */
    FaultOutcome reserveAndMap(AddressSpace mm, Vma vma, long va, PmdTable t, int slot) {
        PteTable ptes = t.pte[slot];
        if (ptes != null) {
            for (int j = 0; j < 512; j++) {
                int kind = Pte.kind(ptes.get(j));
                if (kind != Pte.EMPTY && kind != Pte.ZERO) {
                    return FaultOutcome.FALLBACK; // the range already maps memory (a forked child's copy)
                }
            }
        }
        mm.anonVmaPrepare(vma);
        slots.enterVma(mm, vma);
        if (reservations.reserve(mm, vma, va) == null) {
            return FaultOutcome.FALLBACK;
        }
        return mapFromReservation(mm, vma, va, t, slot);
    }
}
