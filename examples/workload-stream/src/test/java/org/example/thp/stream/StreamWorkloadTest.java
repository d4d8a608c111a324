package org.example.thp.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thplab.mm.api.MmUsageException;
import org.thplab.mm.api.WorkloadParameter;

/** What can be checked without a machine: the parameters and the refusal of bad values before any boot. */
class StreamWorkloadTest {
    private static Map<String, String> values(String array, String ntimes) {
        return Map.of("size", "1073741824", "array", array, "ntimes", ntimes, "seed", "0");
    }

    @Test
    void listsStreamsParameters() {
        assertEquals(java.util.List.of("size", "array", "ntimes", "seed"),
                new StreamWorkload().parameters().stream().map(WorkloadParameter::name).toList());
    }

    @Test
    void refusesBadValuesBeforeItBoots() {
        // A null machine: a refusal must come before the workload touches it.
        StreamWorkload w = new StreamWorkload();
        assertEquals("run stream: array must be a positive multiple of 4K, not 5000",
                assertThrows(MmUsageException.class, () -> w.start(null, values("5000", "10"))).getMessage());
        assertEquals("run stream: ntimes must be from 2 to 1000000, not 1",
                assertThrows(MmUsageException.class, () -> w.start(null, values("4096", "1"))).getMessage());
    }
}
