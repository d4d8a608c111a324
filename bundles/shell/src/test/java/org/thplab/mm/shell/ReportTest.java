package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.AccessPattern;
import org.thplab.mm.api.Advice;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.core.runtime.MmRuntime;

/** report's four measures, against what the operations did. */
class ReportTest {
    private static MachineOps machine() {
        MachineOps m = Harness.ops(Harness.runtime());
        m.boot(1L << 30, 0, 1);
        return m;
    }

    @Test
    void ramLostCountsTheNeverWrittenPagesOfEachProcesssThps() {
        MachineOps m = machine();
        m.sysfs("enabled", "always");
        m.spawn("app");
        m.mmap("app", "heap", 8L << 20);
        m.touch("app", "heap", 0, 4096, true);
        m.touch("app", "heap", 4L << 20, 3 * 4096, true);
        // Two THPs: 511 and 509 pages never written.
        assertEquals((511 + 509) * 4096L, m.report("app").get("thp_never_written_bytes"));
        m.fork("app", "child");
        m.touch("child", "heap", 0, 4096, true); // cow-pte: the child's first THP is split and one page copied
        Map<String, Long> r = m.report(null);
        assertEquals(1, r.get("cow_copies_4k"));
        assertEquals(4096, r.get("cow_copied_bytes"));
        assertEquals((511 + 509 + 509) * 4096L, r.get("thp_never_written_bytes"), "the child's PMD-mapped THP counts too");
        assertThrows(MmUsageException.class, () -> m.report("nobody"));
    }

    @Test
    void khugepagedsCollapseCopiesThePresentPages() {
        MachineOps m = machine();
        m.sysfs("enabled", "madvise");
        m.sysfs("khugepaged/scan_sleep_millisecs", "10");
        m.spawn("p");
        m.mmap("p", "a", 2L << 20);
        m.touch("p", "a", 0, 100 * 4096, true); // base pages: 100 present
        assertTrue(m.madvise("p", "a", 0, 2L << 20, Advice.HUGEPAGE).ok());
        m.tick(1_000_000_000L);
        Map<String, Long> r = m.report("p");
        assertEquals(1, r.get("khugepaged_collapses"));
        assertEquals(100 * 4096L, r.get("khugepaged_copied_bytes"));
        assertTrue(r.get("khugepaged_copy_ns") > 0);
        assertEquals(412 * 4096L, r.get("thp_never_written_bytes"), "the 412 pages the collapse filled with zeroes");
        assertEquals(1, r.get("mmap_lock_write_acquisitions_by_khugepaged"), r.toString());
        assertEquals(r.get("mmap_lock_write_ns"), r.get("mmap_lock_write_ns_by_khugepaged"), "khugepaged was the only holder");
        assertTrue(r.get("mmap_lock_write_ns") > 100 * 400, "the copy of 100 pages is under the lock");
    }

    @Test
    void theSlowdownIsTheWalksAgainstAnAllThpMapping() {
        MachineOps m = machine();
        m.sysfs("enabled", "never");
        m.spawn("p");
        m.mmap("p", "a", 256L << 20);
        m.access("p", "a", AccessPattern.uniform(), 100_000, true);
        Map<String, Long> r = m.report("p");
        assertEquals(r.get("translation_cycles"), r.get("translation_cycles_if_all_4k"));
        assertTrue(r.get("thp_slowdown_ns") > 0, r.toString());
        assertEquals(m.perfStat("p").events().get("thplab.translation_cycles"), r.get("translation_cycles"));
    }

    @Test
    void theJsonFormHoldsEveryMeasureOnceWithTheApisValues() throws Exception {
        MmRuntime rt = Harness.runtime();
        Commands sh = Harness.commands(rt);
        sh.boot("1G");
        sh.sysfs("enabled", "always");
        sh.spawn("app");
        sh.mmap("app", "heap", "8M");
        sh.touch("app", "heap", "0", "4K", null);
        sh.access("app", "heap", "uniform", "10k", null);
        MachineOps ops = Harness.ops(rt);
        for (String proc : new String[] {"app", null}) {
            JsonNode doc = new ObjectMapper().readTree(proc == null ? sh.report("--json") : sh.report("--json", proc));
            assertEquals(proc == null, doc.get("proc").isNull());
            Map<String, Long> seen = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> sec = doc.fields(); sec.hasNext(); ) {
                Map.Entry<String, JsonNode> e = sec.next();
                if (!e.getKey().equals("proc")) {
                    e.getValue().fields().forEachRemaining(m -> assertEquals(null, seen.put(m.getKey(), m.getValue().asLong()),
                            m.getKey() + " twice"));
                }
            }
            assertEquals(ops.report(proc), seen, "every measure of the API, once, in one of the four sections");
            assertEquals(511 * 4096L, doc.get("ram_lost_to_huge_pages").get("thp_never_written_bytes").asLong());
        }
        assertThrows(IllegalArgumentException.class, () -> sh.report("--jsn", "app"));
        assertThrows(IllegalArgumentException.class, () -> sh.report("app", "--json"));
        assertThrows(MmUsageException.class, () -> sh.report("--json", "nobody"));
    }
}
