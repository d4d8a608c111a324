package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.core.runtime.MmRuntime;

/**
 * The LRU reclaim counters keep the kernel's relations (mm/vmscan.c): every page reclaimed from
 * the anonymous LRU is a pgsteal of kswapd or of direct reclaim and, here, a swap-out; pgscan is
 * at least pgsteal; the _anon totals are their sums; allocstall counts direct reclaim entries and
 * pageoutrun kswapd's runs. MADV_PAGEOUT swaps out without LRU reclaim, so pgsteal stays put.
 */
class ReclaimCountersTest {

    private static long d(Map<String, Long> after, Map<String, Long> before, String k) {
        return after.get(k) - before.get(k);
    }

    @Test
    void lruReclaimCountsScansStealsAndStalls() {
        MmRuntime rt = Harness.runtime();
        MachineOps mm = Harness.ops(rt);
        Commands sh = Harness.commands(rt);
        sh.execute("sysfs enabled never");
        sh.execute("boot 32M swap=64M");
        sh.execute("spawn p");
        sh.execute("mmap p a 64M");
        Map<String, Long> before = mm.vmstat();
        assertTrue(mm.touch("p", "a", 0, 64L << 20, true).ok()); // twice the memory: reclaim must swap
        sh.execute("tick 10ms"); // kswapd, woken on the way, runs
        Map<String, Long> v = mm.vmstat();
        long steal = d(v, before, "pgsteal_kswapd") + d(v, before, "pgsteal_direct");
        long scan = d(v, before, "pgscan_kswapd") + d(v, before, "pgscan_direct");
        assertTrue(d(v, before, "allocstall_normal") > 0, v.toString());
        assertTrue(d(v, before, "pgsteal_direct") > 0, v.toString());
        assertTrue(d(v, before, "pageoutrun") > 0, v.toString());
        assertEquals(d(v, before, "pswpout"), steal, "every page reclaimed from the LRU was swapped out");
        assertTrue(scan >= steal, v.toString());
        assertEquals(steal, d(v, before, "pgsteal_anon"));
        assertEquals(scan, d(v, before, "pgscan_anon"));
        assertEquals(0, v.get("oom_kill"));

        // MADV_PAGEOUT reclaims without the LRU scan: pswpout moves, pgsteal does not.
        Map<String, Long> mid = mm.vmstat();
        long resident = mm.smaps("p", "a").get(0).rssKb() / 4;
        assertEquals("ok", sh.execute("madvise p a 0 64M pageout"));
        Map<String, Long> after = mm.vmstat();
        assertEquals(resident, d(after, mid, "pswpout"));
        assertEquals(0, d(after, mid, "pgsteal_anon"));
        assertEquals(0, d(after, mid, "pgscan_anon"));
        assertEquals("ok", sh.execute("verify p a"));
        assertEquals(List.of(), mm.check());
    }
}
