package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code run --json}: one JSON object that Jackson reads back, whose numbers are those of the
 * text report of the same run (a run boots afresh from its seed, so two runs of the same
 * parameters give the same figures).
 */
class WorkloadJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> groups(String report, String regex) {
        Matcher mt = Pattern.compile(regex).matcher(report);
        List<String> out = new ArrayList<>();
        while (mt.find()) {
            for (int g = 1; g <= mt.groupCount(); g++) {
                out.add(mt.group(g));
            }
        }
        return out;
    }

    private static String f(String format, JsonNode n) {
        return String.format(Locale.ROOT, format, n.asDouble());
    }

    /** The four measures' lines of the text, rebuilt from the JSON's measures: the same numbers. */
    private static void assertMeasures(String text, JsonNode measures) {
        List<String> names = new ArrayList<>();
        measures.fieldNames().forEachRemaining(names::add);
        assertTrue(names.containsAll(List.of("khugepaged_collapses", "cow_copied_bytes", "mmap_lock_write_ns",
                "thp_never_written_bytes", "translation_cycles", "thp_slowdown_ns")), names.toString());
        List<String> t = groups(text, "accesses: translation cycles (\\d+) \\(all THP (\\d+), all 4K (\\d+)\\), slowdown against all THP (\\S+) ms");
        assertEquals(List.of(measures.get("translation_cycles").asText(), measures.get("translation_cycles_if_all_thp").asText(),
                measures.get("translation_cycles_if_all_4k").asText(), f("%.3f", JSON.getNodeFactory().numberNode(
                        measures.get("thp_slowdown_ns").asLong() / 1e6))), t, text);
        List<String> cow = groups(text, "CoW (\\d+) x 4K \\+ (\\d+) x 2M, (\\d+) KiB");
        assertEquals(List.of(measures.get("cow_copies_4k").asText(), measures.get("cow_copies_2m").asText(),
                Long.toString(measures.get("cow_copied_bytes").asLong() >> 10)), cow, text);
        List<String> lost = groups(text, "RAM lost: THP pages never written (\\d+) MiB");
        assertEquals(List.of(Long.toString(measures.get("thp_never_written_bytes").asLong() >> 20)), lost, text);
    }

    @Test
    void redisSnapshotAsJsonHasTheTextReportsNumbers() throws Exception {
        var rt = Harness.runtime();
        Commands sh = Harness.commands(rt);
        sh.execute("sysfs enabled always");
        String params = "size=512M heap=64M snapshots=2 interval=10 batch=2000";
        String text = sh.execute("run redis-snapshot " + params);
        JsonNode doc = JSON.readTree(sh.execute("run --json redis-snapshot " + params));
        List<String> keys = new ArrayList<>();
        doc.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("workload", "machine", "parameters", "results"), keys);
        assertEquals("redis-snapshot", doc.get("workload").asText());
        assertEquals("default", doc.get("machine").asText());
        JsonNode p = doc.get("parameters");
        assertEquals(512L << 20, p.get("size").asLong(), "a SIZE value in bytes, as a number");
        assertTrue(p.get("size").isNumber() && p.get("snapshots").isNumber() && p.get("theta").isTextual(), p.toString());
        assertEquals("0.99", p.get("theta").asText(), "a default is among the values used");
        assertEquals(rt.parameters("redis-snapshot").size(), p.size(), "every parameter");
        JsonNode r = doc.get("results");
        assertTrue(text.contains(r.get("ended").asText() + "; peak memory used " + r.get("peak_used_mib").asLong() + " MiB"), text);
        JsonNode rows = r.get("per_snapshot");
        assertEquals(2, rows.size());
        List<String> t = groups(text, "snapshot (\\d+): (\\S+) ms, CoW (\\d+) KiB \\((\\d+) x 4K \\+ (\\d+) x 2M\\), fault latency p50 (\\S+) us"
                + " p99 (\\S+) us max (\\S+) us \\((\\d+) faults\\), (\\S+) M writes/s against (\\S+) M before \\((\\S+)% lost\\)");
        List<String> j = new ArrayList<>();
        for (JsonNode row : rows) {
            j.addAll(List.of(row.get("snapshot").asText(), f("%.1f", row.get("length_ms")), row.get("cow_kib").asText(),
                    row.get("cow_copies_4k").asText(), row.get("cow_copies_2m").asText(), f("%.1f", row.get("fault_latency_p50_us")),
                    f("%.1f", row.get("fault_latency_p99_us")), f("%.1f", row.get("fault_latency_max_us")), row.get("faults").asText(),
                    f("%.2f", row.get("writes_per_s_m")), f("%.2f", row.get("writes_per_s_m_before")),
                    f("%.1f", row.get("writes_lost_percent"))));
        }
        assertEquals(t, j, text);
        assertTrue(rows.get(0).get("cow_copies_4k").asLong() > 0);
        assertMeasures(text, r.get("measures"));
        assertTrue(text.endsWith(f("simulated time %.3f s", r.get("simulated_time_s"))), text);
    }

    @Test
    void sparseHeapAsJsonHasTheTextReportsNumbers() throws Exception {
        Commands sh = Harness.commands(Harness.runtime());
        sh.execute("sysfs enabled always");
        String params = "size=1G heap=64M cycles=3 sleep=0";
        String text = sh.execute("run sparse-heap " + params);
        JsonNode r = JSON.readTree(sh.execute("run --json sparse-heap " + params)).get("results");
        assertEquals("ran 3 cycles", r.get("ended").asText());
        assertTrue(text.contains("; " + r.get("allocations").asLong() + " allocations, " + r.get("frees").asLong() + " frees, peak Rss "
                + r.get("peak_rss_mib").asLong() + " MiB, peak used " + r.get("peak_used_mib").asLong() + " MiB"), text);
        List<String> t = groups(text, "cycle (\\d+) (\\w+) +t=(\\S+)s live (\\d+) MiB, Rss (\\d+) MiB, AnonHugePages (\\d+) MiB"
                + " \\(coverage (\\S+)%\\), used (\\d+) MiB, bloat (-?\\d+) MiB");
        List<String> j = new ArrayList<>();
        for (Iterator<JsonNode> it = r.get("per_phase").elements(); it.hasNext(); ) {
            JsonNode row = it.next();
            j.addAll(List.of(row.get("cycle").asText(), row.get("after").asText(), f("%.3f", row.get("t_s")), row.get("live_mib").asText(),
                    row.get("rss_mib").asText(), row.get("anon_huge_pages_mib").asText(), f("%.1f", row.get("coverage_percent")),
                    row.get("used_mib").asText(), row.get("bloat_mib").asText()));
        }
        assertEquals(9 * 9, j.size(), "three samples a cycle");
        assertEquals(t, j, text);
        JsonNode thps = r.get("thps");
        assertTrue(text.contains("THPs: thp_fault_alloc " + thps.get("thp_fault_alloc").asLong() + ", thp_collapse_alloc "
                + thps.get("thp_collapse_alloc").asLong() + ", thp_split_pmd " + thps.get("thp_split_pmd").asLong()), text);
        assertMeasures(text, r.get("measures"));
    }

    @Test
    void everyWorkloadOfThisRepositoryGivesItsFiguresAndTheFourMeasures() throws Exception {
        Commands sh = Harness.commands(Harness.runtime());
        for (String run : List.of("rfc-fork size=64M chunk=16M max=2", "short-lived size=256M procs=3 jobs=2 min=4M max=4M lifetime=2 slice=1000",
                "hot-regions size=256M heap=16M hot=8M phases=2 phase=50 batch=1000")) {
            String text = sh.execute("run " + run);
            JsonNode r = JSON.readTree(sh.execute("run --json " + run)).get("results");
            assertFalse(r.has("report"), "figures, not the text: " + r);
            assertTrue(r.get("measures").isObject() && r.get("measures").has("translation_cycles"), r.toString());
            assertTrue(text.endsWith(f("simulated time %.3f s", r.get("simulated_time_s"))), text);
        }
    }

    @Test
    void jsonInTheBackgroundIsRefusedAndSaysWhy() {
        Commands sh = Harness.commands(Harness.runtime());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sh.execute("run --background --json rfc-fork size=64M chunk=16M"));
        assertTrue(e.getMessage().contains("--json and --background do not go together"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sh.execute("run --yaml rfc-fork"));
        assertTrue(e.getMessage().contains("unknown option '--yaml'"), e.getMessage());
        assertTrue(sh.complete(List.of("run")).containsAll(List.of("--background", "--json", "rfc-fork")));
        assertTrue(sh.complete(List.of("run", "--json", "rfc-fork")).contains("size="));
    }
}
