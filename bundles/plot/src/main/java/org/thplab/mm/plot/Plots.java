package org.thplab.mm.plot;

import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

/**
 * Draws charts of thplab results: a recording ({@code record save}: CSV or JSON, one row per
 * sample) or a sweep's results table (one row per cell), as SVG or PNG of 900 by 500 pixels.
 * Drawing is headless and deterministic: the same input gives the same bytes.
 */
public final class Plots {
    /** The size of every chart, in pixels (SVG user units). */
    public static final int WIDTH = 900;
    public static final int HEIGHT = 500;

    /** The kinds' syntax, in the order of {@link #kinds()}. */
    static final List<String> KIND_SYNTAX = List.of("memory", "thp", "counters=<name>[,<name>...]", "latency[=ccdf]",
            "bar=<measure>[:<column>]", "heatmap=<measure>:<x>:<y>");

    private static final List<String> KINDS = List.of(
            "memory                       recording: meminfo MemFree, AnonPages, AnonHugePages (GiB) over simulated time (s)",
            "thp                          recording: % of anonymous memory in THPs over time, machine-wide and per process",
            "counters=<name>[,<name>...]  recording: those columns over simulated time, one line each",
            "latency[=ccdf]               JSON recording: CDF of fault latency (log ns axis) from fault_latency; ccdf: 1 - CDF, log y",
            "bar=<measure>[:<column>]     sweep results: mean of measure per value of column (default cell), bars min..max",
            "heatmap=<measure>:<x>:<y>    sweep results: mean of measure per (x, y) pair on a colour scale");

    static {
        Headless.ensure();
    }

    private Plots() { }

    /**
     * Draws {@code what} from the table in {@code input} (.csv or .json) into {@code output}
     * (.svg or .png). Throws IllegalArgumentException naming the problem (unknown what, missing
     * column, bad extension, unreadable file) and writes nothing then.
     *
     * @throws IOException when the output cannot be written
     */
    public static void plot(Path input, String what, Path output) throws IOException {
        String ext = Table.extension(output);
        if (!ext.equals("svg") && !ext.equals("png")) {
            throw new IllegalArgumentException(output + ": the output must be a .svg or .png file");
        }
        if (what == null || what.isBlank()) {
            throw new IllegalArgumentException("no chart named: the kinds are " + String.join(", ", KIND_SYNTAX));
        }
        Table table = Table.read(input);
        JFreeChart chart = Charts.chart(table, what);
        // drawn whole before the file is opened, so that a failure leaves no output behind
        byte[] bytes = ext.equals("svg") ? svg(chart) : png(chart);
        Files.write(output, bytes);
    }

    /** One line per kind of chart, for the shell's help. */
    public static List<String> kinds() {
        return KINDS;
    }

    static byte[] svg(JFreeChart chart) {
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        // clip and gradient ids get this prefix instead of one made of System.nanoTime()
        g2.setDefsKeyPrefix("thplab");
        chart.draw(g2, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        return g2.getSVGDocument().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] png(JFreeChart chart) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        return out.toByteArray();
    }
}
