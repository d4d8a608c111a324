package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.thplab.mm.api.MachineOps;
import org.thplab.mm.api.Recording;

/**
 * {@code record}: samples at every interval of simulated time, inside a touch too; a recording
 * only reads (the same script gives the same machine with or without one); the CSV and JSON it
 * saves read back, with a CSV library, into the recording's columns and values.
 */
class RecordTest {
    private static final String SETUP = "boot 1G seed=3; sysfs enabled always; spawn app; mmap app heap 256M";
    private static final String WORK = "touch app heap 0 256M; tick 20ms; spawn b; mmap b x 8M; touch b x 0 8M; exit app; tick 10ms";

    private static int col(Recording r, String name) {
        int i = r.columns().indexOf(name);
        assertTrue(i >= 0, name + " in " + r.columns());
        return i;
    }

    @Test
    void samplesEveryIntervalAndBetweenTheFaultsOfOneTouch() {
        var rt = Harness.runtime();
        Commands sh = Harness.commands(rt);
        MachineOps ops = Harness.ops(rt);
        sh.execute(SETUP);
        long start = ops.now();
        sh.execute("record start interval=1ms");
        sh.execute("touch app heap 0 256M");
        long afterTouch = ops.now();
        Recording r = ops.recordStop();
        assertEquals(Recording.TIME, r.columns().get(0));
        int n = r.samples();
        assertTrue(n >= 3, "a 256M touch of THP faults takes more than 2 ms of simulated time: " + n + " samples");
        for (int s = 0; s < n - 1; s++) {
            assertEquals(start + s * 1_000_000L, r.value(s, 0), "sample " + s + " at its instant");
        }
        assertEquals(afterTouch, r.value(n - 1, 0), "stop adds a last sample at the time it stopped");
        int thp = col(r, "thp_fault_alloc");
        assertEquals(0, r.value(0, thp));
        assertEquals(128, r.value(n - 1, thp), "256M is 128 THPs");
        long mid = r.value(n / 2, thp);
        assertTrue(mid > 0 && mid < 128, "a sample from inside the touch sees part of its faults: " + mid);
        for (int s = 1; s < n; s++) {
            assertTrue(r.value(s, thp) >= r.value(s - 1, thp));
            // Each sample is a state of the machine: the process's huge pages are the machine's.
            assertEquals(r.value(s, col(r, "meminfo.AnonHugePages")), r.value(s, col(r, "proc.app.AnonHugePages")));
            assertEquals(r.value(s, thp) * 2048, r.value(s, col(r, "proc.app.Rss")));
        }
        assertEquals(ops.vmstat().get("thp_fault_alloc"), r.value(n - 1, thp));
        assertTrue(r.columns().contains("report.thp_never_written_bytes"), r.columns().toString());
        assertTrue(r.faultLatency().count() >= 128, "the faults' latencies are part of the recording");
    }

    @Test
    void aRecordingChangesNothingInTheMachine() {
        var plain = Harness.runtime();
        Commands a = Harness.commands(plain);
        a.execute(SETUP + "; " + WORK + "; tick 3s");
        var recorded = Harness.runtime();
        Commands b = Harness.commands(recorded);
        b.execute(SETUP + "; record start interval=100us; " + WORK + "; tick 3s; record stop");
        assertEquals(Harness.ops(plain).vmstat(), Harness.ops(recorded).vmstat());
        assertEquals(Harness.ops(plain).now(), Harness.ops(recorded).now());
        assertEquals(Harness.ops(plain).stat(), Harness.ops(recorded).stat());
        assertTrue(Harness.ops(recorded).recording().samples() > 30_000, "every 100 us of 35 ms, and of the 3 s tick");
    }

    @Test
    void processColumnsAreEmptyWhileTheProcessDoesNotExistAndCountersAreFiltered() {
        var rt = Harness.runtime();
        Commands sh = Harness.commands(rt);
        sh.execute(SETUP + "; record start interval=5ms counters=thp_fault,nr_anon; " + WORK + "; record stop");
        Recording r = Harness.ops(rt).recording();
        for (String c : r.columns()) {
            if (!c.contains(".") && !c.equals(Recording.TIME)) {
                assertTrue(c.startsWith("thp_fault") || c.startsWith("nr_anon"), c);
            }
        }
        int app = col(r, "proc.app.Rss");
        int b = col(r, "proc.b.Rss");
        assertTrue(r.value(0, b) == Recording.NONE && r.value(0, app) == 0);
        int last = r.samples() - 1;
        assertTrue(r.value(last, app) == Recording.NONE, "app exited");
        assertEquals(8192, r.value(last, b));
    }

    @Test
    void theCsvAndJsonReadBackIntoTheRecording(@TempDir Path dir) throws Exception {
        var rt = Harness.runtime();
        Commands sh = Harness.commands(rt);
        sh.execute(SETUP + "; record start interval=5ms; " + WORK + "; record stop");
        Recording r = Harness.ops(rt).recording();
        Path csv = dir.resolve("run.csv");
        Path json = dir.resolve("sub/run.json");
        sh.execute("record save " + csv + "; record save " + json);

        CsvMapper mapper = new CsvMapper();
        List<Map<String, String>> rows = new ArrayList<>();
        List<String> header;
        try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv.toFile())) {
            header = new ArrayList<>(((CsvSchema) it.getParserSchema()).getColumnNames());
            while (it.hasNext()) {
                rows.add(it.next());
            }
        }
        assertEquals(r.columns(), header, "the header row is the columns");
        assertEquals(r.samples(), rows.size(), "one row per sample");
        for (int s = 0; s < r.samples(); s++) {
            for (int c = 0; c < r.columns().size(); c++) {
                long v = r.value(s, c);
                assertEquals(v == Recording.NONE ? "" : Long.toString(v), rows.get(s).get(r.columns().get(c)),
                        "sample " + s + " " + r.columns().get(c));
            }
        }
        assertFalse(Files.readString(csv).contains("\""), "no name or number needs quotes");

        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(r.samples(), doc.get("samples").size());
        JsonNode lastSample = doc.get("samples").get(r.samples() - 1);
        assertFalse(lastSample.has("proc.app.Rss"), "no value, no key");
        assertEquals(r.value(r.samples() - 1, col(r, "thp_fault_alloc")), lastSample.get("thp_fault_alloc").asLong());
        long faults = 0;
        for (JsonNode c : doc.get("fault_latency").get("count")) {
            faults += c.asLong();
        }
        assertEquals(r.faultLatency().count(), faults);
    }

    @Test
    void aWorkloadsBootContinuesTheRecordingOnTheNewMachine() {
        var rt = Harness.runtime();
        Commands sh = Harness.commands(rt);
        sh.execute(SETUP + "; touch app heap 0 64M");
        long before = Harness.ops(rt).now();
        sh.execute("record start interval=10ms");
        sh.execute("run rfc-fork size=256M chunk=16M");
        Recording r = Harness.ops(rt).recordStop();
        assertTrue(r.samples() > 3, r.samples() + " samples");
        int thp = col(r, "thp_fault_alloc");
        assertEquals(32, r.value(0, thp), "the first sample is the machine before the run: 64M touched");
        // The run booted a new machine: its counters start from zero, its time follows the old one's.
        int boot = -1;
        for (int s = 1; s < r.samples(); s++) {
            assertTrue(r.value(s, 0) >= r.value(s - 1, 0), "time never goes back");
            if (boot < 0 && r.value(s, thp) < r.value(s - 1, thp)) {
                boot = s;
            }
        }
        assertTrue(boot > 0, "the counters of the run's machine start afresh");
        assertEquals(r.value(boot - 1, 0), r.value(boot, 0), "the old machine's last sample and the new one's first");
        assertEquals(before, r.value(boot, 0), "the new machine's time comes after the old one's");
        assertEquals(Harness.ops(rt).now() + before, r.value(r.samples() - 1, 0));
        assertEquals(Harness.ops(rt).vmstat().get("thp_fault_alloc"), r.value(r.samples() - 1, thp));
        assertTrue(r.columns().contains("proc.parent.Rss") || r.columns().stream().anyMatch(c -> c.startsWith("proc.") && !c.startsWith("proc.app")),
                "the workload's processes: " + r.columns());
    }

    @Test
    void misuseIsRefusedAndChangesNothing(@TempDir Path dir) {
        var rt = Harness.runtime();
        Commands sh = Harness.commands(rt);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sh.execute("record start")).getMessage()
                .contains("boot one first"));
        sh.execute(SETUP);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sh.execute("record stop")).getMessage()
                .contains("no recording runs"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sh.execute("record start interval=500ns")).getMessage()
                .contains("at least 1us"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sh.execute("record start counters=thp_,")).getMessage()
                .contains("empty counter prefix"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sh.execute("record start every=1s")).getMessage()
                .contains("unknown option 'every=1s'"));
        assertEquals(null, Harness.ops(rt).recording(), "refused starts start nothing");
        sh.execute("record start");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sh.execute("record start")).getMessage()
                .contains("runs already"));
        Path txt = dir.resolve("x.txt");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sh.execute("record save " + txt)).getMessage()
                .contains(".csv or <name>.json"));
        assertFalse(Files.exists(txt));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sh.execute("record show nosuch")).getMessage()
                .contains("no column starts with nosuch"));
        assertTrue(Harness.ops(rt).recording().running());
        sh.execute("record stop; boot 1G");
        assertFalse(Harness.ops(rt).recording().running());
    }
}
