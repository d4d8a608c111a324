package org.thplab.mm.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class PlotsTest {
    @TempDir
    Path dir;

    /** A recording as record save writes it: 3 samples, one process that appears at the second. */
    static final String RECORDING_CSV = String.join("\n",
            "time_ns,nr_free_pages,nr_anon_pages,nr_anon_transparent_hugepages,thp_fault_alloc,pgfault,"
                    + "meminfo.MemTotal,meminfo.MemFree,meminfo.AnonPages,meminfo.AnonHugePages,"
                    + "proc.app.Rss,proc.app.AnonHugePages,report.copies",
            "0,262144,0,0,0,0,1048576,1048576,0,0,,,0",
            "1000000000,245760,16384,16,16,16,1048576,983040,65536,32768,65536,32768,0",
            "2000000000,229376,32768,48,48,64,1048576,917504,131072,98304,131072,98304,3",
            "");

    static final String RECORDING_JSON = """
            {"machine": "a", "interval_ns": 1000000000,
             "columns": ["time_ns", "meminfo.MemFree", "meminfo.AnonPages", "meminfo.AnonHugePages", "thp_fault_alloc"],
             "samples": [
               {"time_ns": 0, "meminfo.MemFree": 1048576, "meminfo.AnonPages": 0, "meminfo.AnonHugePages": 0, "thp_fault_alloc": 0},
               {"time_ns": 1000000000, "meminfo.MemFree": 983040, "meminfo.AnonPages": 65536, "meminfo.AnonHugePages": 65536},
               {"time_ns": 2000000000, "meminfo.MemFree": 917504, "meminfo.AnonPages": 131072, "meminfo.AnonHugePages": 65536, "thp_fault_alloc": 32}
             ],
             "fault_latency": {"le_ns": [0, 100, 1000, 10000], "count": [0, 50, 25, 25]}}
            """;

    /** A sweep's results: 2 x 2 parameters, 2 seeds each, one failed cell. */
    static final String RESULTS_CSV = String.join("\n",
            "cell,seed,policy.reclaim,sysfs.promotion_threshold,copies,error",
            "0,1,lru,64,10,",
            "1,2,lru,64,20,",
            "2,1,lru,512,30,",
            "3,2,lru,512,50,",
            "4,1,underused,64,100,",
            "5,2,underused,64,100,",
            "6,1,underused,512,1,",
            "7,2,underused,512,,out of memory",
            "");

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** Parses the SVG as XML and returns the text of its text elements. */
    private static List<String> svgTexts(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        // the SVG 1.1 DOCTYPE names a DTD on the web: not fetched, nothing here validates
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document d = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", d.getDocumentElement().getLocalName() == null
                ? d.getDocumentElement().getTagName() : d.getDocumentElement().getLocalName());
        NodeList texts = d.getElementsByTagName("text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) {
            out.add(texts.item(i).getTextContent());
        }
        return out;
    }

    private static void assertPng(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(500, img.getHeight());
    }

    private void plotBoth(Path in, String what, String... texts) throws Exception {
        Path svg = dir.resolve("out.svg");
        Path png = dir.resolve("out.png");
        Plots.plot(in, what, svg);
        Plots.plot(in, what, png);
        List<String> t = svgTexts(svg);
        for (String s : texts) {
            assertTrue(t.contains(s), () -> s + " not among the SVG's texts " + t);
        }
        assertPng(png);
    }

    @Test
    void memoryFromCsvAndJson() throws Exception {
        plotBoth(write("rec.csv", RECORDING_CSV), "memory", "MemFree", "AnonPages", "AnonHugePages", "GiB",
                "simulated time (s)");
        plotBoth(write("rec.json", RECORDING_JSON), "memory", "MemFree", "AnonHugePages", "Memory (machine a)");
        XYDataset d = Charts.chart(Table.read(dir.resolve("rec.csv")), "memory").getXYPlot().getDataset();
        assertEquals(1.0, d.getYValue(0, 0), 1e-12); // 1048576 kB is 1 GiB
        assertEquals(2.0, d.getXValue(0, 2), 1e-12); // 2e9 ns
    }

    @Test
    void thpCoverageIsHugeOverAllAnonymous() throws Exception {
        Path in = write("rec.csv", RECORDING_CSV);
        plotBoth(in, "thp", "machine", "app");
        XYDataset d = Charts.chart(Table.read(in), "thp").getXYPlot().getDataset();
        assertEquals("machine", d.getSeriesKey(0));
        assertTrue(Double.isNaN(d.getYValue(0, 0))); // no anonymous memory yet
        assertEquals(50.0, d.getYValue(0, 1), 1e-9);
        assertEquals(75.0, d.getYValue(0, 2), 1e-9);
        assertEquals("app", d.getSeriesKey(1));
        assertTrue(Double.isNaN(d.getYValue(1, 0))); // the process did not exist
        assertEquals(75.0, d.getYValue(1, 2), 1e-9);
    }

    @Test
    void thpFromVmstatWhenMeminfoIsFilteredOut() throws Exception {
        Path in = write("vm.csv", "time_ns,nr_anon_pages,nr_anon_transparent_hugepages\n0,1024,1\n1000,2048,3\n");
        XYDataset d = Charts.chart(Table.read(in), "thp").getXYPlot().getDataset();
        assertEquals(50.0, d.getYValue(0, 0), 1e-9);
        assertEquals(75.0, d.getYValue(0, 1), 1e-9);
    }

    @Test
    void countersOneSeriesEach() throws Exception {
        Path in = write("rec.csv", RECORDING_CSV);
        plotBoth(in, "counters=thp_fault_alloc,pgfault", "thp_fault_alloc", "pgfault", "events");
        plotBoth(in, "counters=nr_free_pages", "nr_free_pages", "pages");
        // a missing key of a JSON sample is a gap
        XYDataset d = Charts.chart(Table.read(write("rec.json", RECORDING_JSON)), "counters=thp_fault_alloc")
                .getXYPlot().getDataset();
        assertTrue(Double.isNaN(d.getYValue(0, 1)));
        assertEquals(32.0, d.getYValue(0, 2));
    }

    @Test
    void latencyCdf() throws Exception {
        Path in = write("rec.json", RECORDING_JSON);
        plotBoth(in, "latency", "fault latency (ns)");
        XYDataset d = Charts.chart(Table.read(in), "latency").getXYPlot().getDataset();
        assertEquals(3, d.getItemCount(0)); // the bound 0 is left off the log axis
        assertEquals(100.0, d.getXValue(0, 0));
        assertEquals(0.5, d.getYValue(0, 0), 1e-12);
        assertEquals(0.75, d.getYValue(0, 1), 1e-12);
        assertEquals(1.0, d.getYValue(0, 2), 1e-12);
    }

    @Test
    void latencyCcdfOnALogAxis() throws Exception {
        Path in = write("rec.json", RECORDING_JSON);
        plotBoth(in, "latency=ccdf", "fraction of faults > latency", "fault latency (ns)");
        JFreeChart c = Charts.chart(Table.read(in), "latency=ccdf");
        XYDataset d = c.getXYPlot().getDataset();
        // 100 faults: 50 at most 100 ns, 25 more at most 1000, 25 more at most 10000: 1 - F
        // steps from 1 to 0.5 at 100, to 0.25 at 1000, and ends at 10000 (its step to 0 has no
        // place on a log axis), so the slowest bucket shows
        double[][] steps = {{100, 1}, {100, 0.5}, {1000, 0.5}, {1000, 0.25}, {10000, 0.25}};
        assertEquals(steps.length, d.getItemCount(0));
        for (int i = 0; i < steps.length; i++) {
            assertEquals(steps[i][0], d.getXValue(0, i), "x of point " + i);
            assertEquals(steps[i][1], d.getYValue(0, i), 1e-12, "y of point " + i);
        }
        assertTrue(c.getXYPlot().getRangeAxis() instanceof LogAxis);
        // faults in a bucket of bound 0 are not drawn, but the first step starts below them
        Path zero = write("zero.json", "{\"samples\": [{\"time_ns\": 0}], "
                + "\"fault_latency\": {\"le_ns\": [0, 100], \"count\": [50, 50]}}");
        XYDataset z = Charts.chart(Table.read(zero), "latency=ccdf").getXYPlot().getDataset();
        assertEquals(1, z.getItemCount(0));
        assertEquals(0.5, z.getYValue(0, 0), 1e-12);
        // down to the decade of one fault in the 100
        assertEquals(0.01, c.getXYPlot().getRangeAxis().getLowerBound(), 1e-12);
        assertEquals(Charts.chart(Table.read(in), "latency=cdf").getXYPlot().getDataset().getYValue(0, 0),
                Charts.chart(Table.read(in), "latency").getXYPlot().getDataset().getYValue(0, 0));
    }

    @Test
    void barMeansPerValueSkippingFailedCells() throws Exception {
        Path in = write("results.csv", RESULTS_CSV);
        plotBoth(in, "bar=copies", "cell", "0", "6");
        plotBoth(in, "bar=copies:policy.reclaim", "lru", "underused", "copies (mean, bars min..max)");
        JFreeChart c = Charts.chart(Table.read(in), "bar=copies:policy.reclaim");
        CategoryDataset d = c.getCategoryPlot().getDataset();
        assertEquals(List.of("lru", "underused"), d.getColumnKeys());
        assertEquals(27.5, d.getValue(0, 0).doubleValue(), 1e-12);
        assertEquals(67.0, d.getValue(0, 1).doubleValue(), 1e-12); // cell 7 failed: (100 + 100 + 1) / 3
        // the whiskers reach the largest value: the axis holds it
        assertTrue(c.getCategoryPlot().getRangeAxis().getUpperBound() >= 100);
        CategoryDataset cells = Charts.chart(Table.read(in), "bar=copies").getCategoryPlot().getDataset();
        assertEquals(7, cells.getColumnCount());
    }

    @Test
    void barSortsNumericValuesNumerically() throws Exception {
        Path in = write("r.json", """
                [{"cell": 0, "param.accesses": 1000, "t": 1}, {"cell": 1, "param.accesses": 200, "t": 2},
                 {"cell": 2, "param.accesses": 30, "t": 3}, {"cell": 3, "param.accesses": 30, "t": 5, "error": null}]
                """);
        CategoryDataset d = Charts.chart(Table.read(in), "bar=t:param.accesses").getCategoryPlot().getDataset();
        assertEquals(List.of("30", "200", "1000"), d.getColumnKeys());
        assertEquals(4.0, d.getValue(0, 0).doubleValue());
    }

    @Test
    void heatmapCellColoursFollowTheirMeans() throws Exception {
        Path in = write("results.csv", RESULTS_CSV);
        plotBoth(in, "heatmap=copies:sysfs.promotion_threshold:policy.reclaim", "64", "512", "lru", "underused",
                "copies (mean)", "sysfs.promotion_threshold");
        Charts.Heat h = Charts.heat(Table.read(in), "copies", "sysfs.promotion_threshold", "policy.reclaim");
        assertEquals(List.of("64", "512"), h.xs());
        assertEquals(List.of("lru", "underused"), h.ys());
        assertEquals(15.0, h.mean()[0][0]);
        assertEquals(40.0, h.mean()[1][0]);
        assertEquals(100.0, h.mean()[0][1]);
        assertEquals(1.0, h.mean()[1][1]); // the failed seed left out

        JFreeChart chart = Charts.chart(Table.read(in), "heatmap=copies:sysfs.promotion_threshold:policy.reclaim");
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage img = chart.createBufferedImage(900, 500, info);
        XYPlot plot = chart.getXYPlot();
        Charts.ColourScale scale = (Charts.ColourScale) ((XYBlockRenderer) plot.getRenderer()).getPaintScale();
        int[][] rgb = new int[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                // off the cell's centre, where its value is written
                int px = (int) plot.getDomainAxis().valueToJava2D(i - 0.3, info.getPlotInfo().getDataArea(), plot.getDomainAxisEdge());
                int py = (int) plot.getRangeAxis().valueToJava2D(j - 0.3, info.getPlotInfo().getDataArea(), plot.getRangeAxisEdge());
                rgb[i][j] = img.getRGB(px, py) & 0xffffff;
                assertEquals(scale.colour(h.mean()[i][j]).getRGB() & 0xffffff, rgb[i][j], "cell " + i + "," + j);
            }
        }
        assertNotEquals(rgb[0][0], rgb[1][0]);
        assertNotEquals(rgb[0][1], rgb[1][1]);
        assertNotEquals(rgb[0][0], rgb[0][1]);
    }

    @Test
    void sameInputSameBytes() throws Exception {
        Path in = write("results.csv", RESULTS_CSV);
        for (String ext : new String[] {"svg", "png"}) {
            Path a = dir.resolve("a." + ext);
            Path b = dir.resolve("b." + ext);
            Plots.plot(in, "heatmap=copies:seed:policy.reclaim", a);
            Plots.plot(in, "heatmap=copies:seed:policy.reclaim", b);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), ext);
        }
    }

    private void assertRefused(Path in, String what, String ext, String... inMessage) {
        Path out = dir.resolve("refused." + ext);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Plots.plot(in, what, out));
        for (String s : inMessage) {
            assertTrue(e.getMessage().contains(s), () -> "'" + s + "' not in: " + e.getMessage());
        }
        assertFalse(Files.exists(out), "an output file was written");
    }

    @Test
    void badInputIsRefusedAndWritesNothing() throws Exception {
        Path rec = write("rec.csv", RECORDING_CSV);
        Path results = write("results.csv", RESULTS_CSV);
        assertRefused(rec, "pie", "svg", "unknown chart 'pie'", "heatmap=<measure>:<x>:<y>");
        assertRefused(rec, "memory", "gif", "refused.gif", ".svg or .png");
        assertRefused(rec, "counters=nr_free_page", "svg", "no column nr_free_page", "close: nr_free_pages");
        assertRefused(rec, "counters=", "png", "counters needs its argument");
        assertRefused(rec, "latency", "svg", "fault_latency", "is CSV");
        assertRefused(write("rec.json", RECORDING_JSON), "latency=pdf", "svg", "latency=pdf", "latency=ccdf");
        assertRefused(results, "memory", "svg", "time_ns");
        assertRefused(results, "bar=copy", "svg", "no column copy", "copies");
        assertRefused(results, "bar=copies:policy", "png", "no column policy", "policy.reclaim");
        assertRefused(results, "heatmap=copies:seed", "svg", "heatmap=<measure>:<x>:<y>");
        assertRefused(results, "bar=policy.reclaim", "svg", "'lru' is not a number");
        assertRefused(write("vm.csv", "time_ns,pgfault\n0,1\n"), "memory", "svg", "meminfo.MemFree");
        assertRefused(write("failed.csv", "cell,copies,error\n0,1,boom\n"), "bar=copies", "svg", "no row", "did not fail");
        assertRefused(write("noh.json", "{\"samples\": [{\"time_ns\": 0}]}"), "latency", "svg", "has none");
    }

    @Test
    void unreadableFilesAreRefused() throws Exception {
        assertRefused(dir.resolve("missing.csv"), "memory", "svg", "cannot read", "missing.csv", "no such file");
        Files.createDirectory(dir.resolve("d.json"));
        assertRefused(dir.resolve("d.json"), "memory", "svg", "d.json", "directory");
        assertRefused(write("bad.json", "{\"samples\": [1,"), "memory", "png", "cannot read", "not JSON");
        assertRefused(write("odd.json", "42"), "memory", "png", "neither a recording");
        assertRefused(write("rec.txt", RECORDING_CSV), "memory", "svg", "rec.txt", ".csv or .json");
        assertRefused(write("ragged.csv", "a,b\n1,2,3\n"), "bar=a", "svg", "cannot read", "not CSV");
    }

    @Test
    void kindsDescribeEveryKind() {
        List<String> k = Plots.kinds();
        assertEquals(Plots.KIND_SYNTAX.size(), k.size());
        for (int i = 0; i < k.size(); i++) {
            assertTrue(k.get(i).startsWith(Plots.KIND_SYNTAX.get(i)), k.get(i));
        }
    }
}
