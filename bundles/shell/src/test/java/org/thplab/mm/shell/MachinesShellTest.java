package org.thplab.mm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.core.runtime.MmRuntime;

/**
 * Many machines from the shell: {@code boot --name} and {@code use} drive two machines with
 * different policy selections, one command on each in turn, and each machine ends as it ends
 * when it runs alone; {@code compare} runs them side by side and agrees.
 */
class MachinesShellTest {
    static final List<String> SETUP = List.of("sysfs khugepaged/scan_sleep_millisecs 100");
    static final Map<String, List<String>> SELECTION = Map.of(
            "a", List.of("policy use fault thp", "policy use cow pte"),
            "b", List.of("policy use fault reservation", "policy use cow huge", "policy disable promotion khugepaged",
                    "sysfs promotion_threshold 64"));

    /** scripts/machines-workload.mm, but its boot: the operations both machines run. */
    static List<String> workload() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(ScenarioTest.SCRIPTS.resolve("machines-workload.mm"))) {
            if (!l.isBlank() && !l.startsWith("#") && !l.startsWith("boot ")) {
                lines.add(l);
            }
        }
        return lines;
    }

    /** What a machine shows at the end. */
    static String report(Commands sh) {
        return String.join("\n", sh.execute("vmstat"), sh.execute("stat"), sh.execute("meminfo"), sh.execute("smaps p"),
                sh.execute("smaps child"), sh.execute("verify p heap"), sh.execute("verify child heap"), sh.execute("check"));
    }

    static Commands machine(MmRuntime rt, String name) {
        Commands sh = Harness.commands(rt);
        SETUP.forEach(sh::execute);
        sh.execute("boot --name " + name + " 256M seed=3");
        SELECTION.get(name).forEach(sh::execute);
        return sh;
    }

    /** The machine alone in a runtime of its own. */
    static String alone(String name) throws IOException {
        Commands sh = machine(Harness.runtime(), name);
        workload().forEach(sh::execute);
        return report(sh);
    }

    @Test
    void twoMachinesDrivenInTurnWithUseEndAsEachAlone() throws IOException {
        MmRuntime rt = Harness.runtime();
        Commands sh = machine(rt, "a");
        sh.execute("boot --name b 256M seed=3");
        SELECTION.get("b").forEach(sh::execute);
        assertEquals("  default  not booted\n  a        256M swap=0 seed=3\n* b        256M swap=0 seed=3", sh.execute("machines"));
        for (String line : workload()) {
            sh.execute("use a");
            sh.execute(line);
            sh.execute("use b");
            sh.execute(line);
        }
        sh.execute("use a");
        String a = report(sh);
        sh.execute("use b");
        String b = report(sh);
        assertEquals(alone("a"), a, "machine a beside b");
        assertEquals(alone("b"), b, "machine b beside a");
        assertNotEquals(a, b, "the selections differ in what they do");
        assertTrue(a.endsWith("ok") && b.endsWith("ok"), "check");
    }

    @Test
    void compareRunsTheScriptOnEachMachineAndPrintsWhatEachGivesAlone() throws IOException {
        MmRuntime rt = Harness.runtime();
        Commands sh = machine(rt, "a");
        sh.execute("boot --name b 256M seed=3");
        SELECTION.get("b").forEach(sh::execute);
        String table = sh.execute("compare a,b " + ScenarioTest.SCRIPTS.resolve("machines-workload.mm") + " pgfault thp_res");
        String[] rows = table.split("\n");
        assertEquals(List.of("counter", "a", "b"), List.of(rows[0].trim().split("\\s+")));
        assertEquals("check", rows[rows.length - 1].trim().split("\\s+")[0]);
        for (String name : List.of("a", "b")) {
            int col = name.equals("a") ? 1 : 2;
            String alone = alone(name);
            for (int r = 1; r < rows.length - 1; r++) {
                String[] cells = rows[r].trim().split("\\s+");
                assertTrue(alone.contains("\n" + cells[0] + " " + cells[col] + "\n"), name + ": " + rows[r] + " alone");
            }
        }
        assertTrue(rows[rows.length - 1].matches("check\\s+ok\\s+ok"), rows[rows.length - 1]);
        assertEquals("* b", sh.execute("machines").split("\n")[2].substring(0, 3), "compare leaves the current machine as it was");
    }

    @Test
    void misuses() throws IOException {
        MmRuntime rt = Harness.runtime();
        Commands sh = Harness.commands(rt);
        sh.execute("boot --name a 64M");
        assertEquals("error: use: no machine 'x' (machines: default, a)", sh.execute("!use x"));
        assertEquals("error: boot: bad machine name 'no/slash' (letters, digits, _ . -)", sh.execute("!boot --name no/slash 64M"));
        assertEquals("error: boot: wrong number of arguments; usage: boot <size> [swap=<size>] [seed=<n>]", sh.execute("!boot --name"));
        assertEquals("error: boot: wrong number of arguments; usage: boot <size> [swap=<size>] [seed=<n>]", sh.execute("!boot --name c"));
        assertEquals("error: boot: memory size must be a multiple of 2M from 16M to 4T, not 1000", sh.execute("!boot --name c 1000"));
        assertEquals("  default  not booted\n* a        64M swap=0 seed=0", sh.execute("machines"), "a misused boot --name makes no machine");
        assertEquals("error: compare: no machine 'x' (machines: default, a)", sh.execute("!compare a,x f.mm"));
        assertEquals("error: compare: name two machines or more, each once, separated by commas, not 'a'", sh.execute("!compare a f.mm"));
        assertEquals("error: compare: name two machines or more, each once, separated by commas, not 'a,a'", sh.execute("!compare a,a f.mm"));
        assertTrue(sh.execute("!compare a,default no-such-file.mm").startsWith("error: compare: cannot read no-such-file.mm: "));
        var script = Files.createTempFile("compare", ".mm");
        try {
            Files.writeString(script, "spawn p\nuse a\n");
            assertEquals("error: compare: on machine a: " + script + ":2: use: not in a script that compare runs:"
                    + " it runs on the machine compare gives it", sh.execute("!compare a,default " + script));
            Files.writeString(script, "spawn q\n");
            assertEquals("error: compare: on machine default: " + script + ":1: spawn: no machine yet: boot one first (boot <size>)",
                    sh.execute("!compare a,default " + script));
            Files.writeString(script, "boot 32M\nspawn q\n");
            assertTrue(sh.execute("compare a,default " + script + " nr_free").matches("(?s)counter\\s+a\\s+default\nnr_free_pages .*\ncheck\\s+ok\\s+ok"));
            // refused before the script runs (ScriptFuzzTest found it rebooting both machines first)
            rt.machine("a").ops().spawn("r");
            assertEquals("error: compare: no counter starts with 'nosuch'", sh.execute("!compare a,default " + script + " nosuch"));
            assertEquals(List.of("q", "r"), rt.machine("a").ops().processes(), "a misused compare runs nothing (boot 32M would end r)");
        } finally {
            Files.delete(script);
        }
    }
}
