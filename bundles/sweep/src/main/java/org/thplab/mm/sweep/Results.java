package org.thplab.mm.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * A sweep's rows as files in an output folder: {@value #CSV} (a header row, then one row per
 * cell; an empty field is a measure a failed cell did not give, or no error) and {@value #JSON}
 * (an array of row objects, null where the CSV is empty), both through Jackson.
 */
public final class Results {
    public static final String CSV = "results.csv";
    public static final String JSON = "results.json";

    /** Quotes only the fields that need it (a comma, a quote, a line break), not every long one. */
    private static final CsvMapper CSV_MAPPER = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();
    private static final ObjectMapper JSON_MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Results() {
    }

    /**
     * Writes both files into {@code dir} (made if need be). Each is written beside its final name
     * and moved into place, so a reader never sees half a file.
     *
     * @param columns the rows' keys, in order ({@link SweepSpec#columns})
     */
    public static void write(Path dir, List<String> columns, List<Map<String, Object>> rows) throws IOException {
        Files.createDirectories(dir);
        CsvSchema.Builder schema = CsvSchema.builder();
        columns.forEach(schema::addColumn);
        Path csv = dir.resolve(CSV + ".part");
        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            CSV_MAPPER.writerFor(Map.class).with(schema.build().withHeader()).writeValues(w).writeAll(rows);
        }
        Path json = dir.resolve(JSON + ".part");
        Files.writeString(json, JSON_MAPPER.writeValueAsString(rows) + "\n", StandardCharsets.UTF_8);
        Files.move(csv, dir.resolve(CSV), StandardCopyOption.REPLACE_EXISTING);
        Files.move(json, dir.resolve(JSON), StandardCopyOption.REPLACE_EXISTING);
    }
}
