package org.thplab.mm.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.thplab.mm.api.WorkloadParameter;
import org.thplab.mm.api.WorkloadResult;

/**
 * {@code run --json}: a workload's result as one JSON object (Jackson), in this order:
 * {@code workload}, {@code machine}, {@code parameters} (every value the run had, SIZE ones in
 * bytes; SIZE and NUMBER values as numbers, WORD values as strings) and {@code results}, the
 * workload's figures as its {@code results()} gives them.
 */
final class WorkloadJson {
    /**
     * Decimals written by Jackson's own shortest-representation writer (Schubfach), not by
     * {@code Double.toString}, whose output changed in Java 19: a transcript stays the same on
     * every JDK.
     */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private WorkloadJson() {
    }

    static String json(String machine, WorkloadResult r, List<WorkloadParameter> parameters) {
        Map<String, WorkloadParameter.Type> types = new LinkedHashMap<>();
        for (WorkloadParameter p : parameters) {
            types.put(p.name(), p.type());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        r.parameters().forEach((k, v) -> {
            WorkloadParameter.Type t = types.getOrDefault(k, WorkloadParameter.Type.WORD);
            values.put(k, t == WorkloadParameter.Type.WORD ? v : (Object) Long.parseLong(v));
        });
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workload", r.workload());
        doc.put("machine", machine);
        doc.put("parameters", values);
        doc.put("results", r.results());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run --json: " + e.getOriginalMessage(), e);
        }
    }
}
