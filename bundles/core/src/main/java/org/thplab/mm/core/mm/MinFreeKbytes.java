package org.thplab.mm.core.mm;

import org.thplab.mm.api.ThpEnabled;
import org.thplab.mm.core.frames.Watermarks;
import org.thplab.mm.core.kernel.Sysctl;
import org.thplab.mm.core.kernel.ThpTunables;
import org.thplab.mm.core.oom.KernelLog;

/**
 * What sets the machine's watermarks ({@link Watermarks}): the boot (init_per_zone_wmark_min(),
 * then hugepage_init()'s start_stop_khugepaged()), a write of a THP {@code enabled} knob
 * (enabled_store() and thpsize_enabled_store() end in start_stop_khugepaged()), and a write of
 * vm.min_free_kbytes or vm.watermark_scale_factor. vm.min_free_kbytes reads what they set.
 */
final class MinFreeKbytes {
    private final Watermarks w;
    private final ThpTunables tunables;
    private final KernelLog log;

    MinFreeKbytes(Watermarks w, ThpTunables tunables, KernelLog log) {
        this.w = w;
        this.tunables = tunables;
        this.log = log;
    }

    void boot() {
        Sysctl s = tunables.sysctl;
        w.init(s.userMinFreeKbytes, s.watermarkScaleFactor);
        warnNotUpdated();
        startStopKhugepaged();
    }

    /** start_stop_khugepaged()'s set_recommended_min_free_kbytes(), whatever the write changed. */
    void startStopKhugepaged() {
        Sysctl s = tunables.sysctl;
        long from = w.setRecommended(tunables.pmdEnabled() != ThpEnabled.NEVER, s.userMinFreeKbytes, s.watermarkScaleFactor);
        warnNotUpdated();
        if (from >= 0 && s.userMinFreeKbytes >= 0) { // said only when the user had set a value
            log.printk("khugepaged: raising min_free_kbytes from " + from + " to " + w.minFreeKbytes()
                    + " to help transparent hugepage allocations");
        }
        s.minFreeKbytes = w.minFreeKbytes();
    }

    /** calculate_min_free_kbytes()'s pr_warn() when the user's value was kept. */
    private void warnNotUpdated() {
        long kept = w.takeNotUpdated();
        if (kept >= 0) {
            log.printk("min_free_kbytes is not updated to " + kept + " because user defined value "
                    + tunables.sysctl.userMinFreeKbytes + " is preferred");
        }
    }

    /** A sysctl was written: setup_per_zone_wmarks() after vm.min_free_kbytes or vm.watermark_scale_factor. */
    void sysctlWritten(String name) {
        Sysctl s = tunables.sysctl;
        if (name.equals("vm.min_free_kbytes")) {
            w.write(s.minFreeKbytes, s.watermarkScaleFactor);
        } else if (name.equals("vm.watermark_scale_factor")) {
            w.setup(s.watermarkScaleFactor);
        }
    }
}
