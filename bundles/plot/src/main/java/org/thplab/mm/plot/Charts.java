package org.thplab.mm.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The charts, one method per kind; each checks its columns and throws IllegalArgumentException before drawing. */
final class Charts {
    static final double KIB_PER_GIB = 1024.0 * 1024.0;
    /** Most heat map cells that still get their value written on them. */
    static final int MAX_LABELLED_CELLS = 100;
    /** Up to this many samples a time series marks each of them. */
    static final int FEW_SAMPLES = 30;

    /** A fresh theme per chart: ChartFactory's is global and mutable. */
    private static void theme(JFreeChart chart) {
        StandardChartTheme.createJFreeTheme().apply(chart);
    }

    static {
        Headless.ensure();
        // Rotated labels (the y axis's, the colour scale's) as drawString, which SVG keeps as
        // <text>, rather than a TextLayout that JFreeSVG turns into glyph outlines; the JDK bug
        // the workaround was for (4312117) is long fixed. JFreeChart is private to this
        // bundle, so the static setting is this bundle's alone.
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    private Charts() { }

    /** The chart named by {@code what} of {@code t}. */
    static JFreeChart chart(Table t, String what) {
        Headless.ensure();
        String kind = what.strip();
        int eq = kind.indexOf('=');
        String name = eq < 0 ? kind : kind.substring(0, eq);
        String arg = eq < 0 ? null : kind.substring(eq + 1);
        return switch (name) {
            case "memory" -> noArg(name, arg, () -> memory(t));
            case "thp" -> noArg(name, arg, () -> thp(t));
            case "latency" -> latency(t, arg == null ? "cdf" : arg.strip());
            case "counters" -> counters(t, need(name, arg, "counters=<name>[,<name>...]"));
            case "bar" -> bar(t, need(name, arg, "bar=<measure>[:<column>]"));
            case "heatmap" -> heatmap(t, need(name, arg, "heatmap=<measure>:<x>:<y>"));
            default -> throw new IllegalArgumentException("unknown chart '" + what + "': the kinds are "
                    + String.join(", ", Plots.KIND_SYNTAX));
        };
    }

    private static JFreeChart noArg(String name, String arg, java.util.function.Supplier<JFreeChart> make) {
        if (arg != null) {
            throw new IllegalArgumentException(name + " takes no argument (" + name + "=" + arg + ")");
        }
        return make.get();
    }

    private static String need(String name, String arg, String syntax) {
        if (arg == null || arg.isBlank()) {
            throw new IllegalArgumentException(name + " needs its argument: " + syntax);
        }
        return arg.strip();
    }

    private static String title(Table t, String title) {
        return t.machine == null ? title : title + " (machine " + t.machine + ")";
    }

    // --- over simulated time ---------------------------------------------------------------

    /** The time_ns column, after checking that the table has samples. */
    private static int time(Table t, String kind) {
        if (!t.has("time_ns")) {
            throw new IllegalArgumentException(kind + " needs a recording: " + t.source + " has no column time_ns"
                    + t.closeNames("time_ns"));
        }
        if (t.rows.isEmpty()) {
            throw new IllegalArgumentException(t.source + " has no samples");
        }
        return t.column("time_ns");
    }

    /** One series of column {@code c} scaled by {@code scale}, over time in seconds; gaps where a cell is empty. */
    private static XYSeries series(Table t, String key, int time, int c, double scale) {
        XYSeries s = new XYSeries(key, false, true);
        for (int r = 0; r < t.rows.size(); r++) {
            Double x = t.number(r, time);
            if (x == null) {
                continue;
            }
            Double y = t.number(r, c);
            s.add(x / 1e9, y == null ? null : y * scale);
        }
        return s;
    }

    private static JFreeChart timeChart(String title, String yLabel, XYSeriesCollection data, boolean zero) {
        NumberAxis x = axis("simulated time (s)");
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = axis(yLabel);
        y.setAutoRangeIncludesZero(zero);
        // markers too when samples are few, so that a series of one point shows
        int most = 0;
        for (int i = 0; i < data.getSeriesCount(); i++) {
            most = Math.max(most, data.getItemCount(i));
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, most <= FEW_SAMPLES);
        XYPlot plot = new XYPlot(data, x, y, r);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        theme(chart);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesStroke(i, new BasicStroke(1.5f));
        }
        return chart;
    }

    static JFreeChart memory(Table t) {
        int time = time(t, "memory");
        XYSeriesCollection data = new XYSeriesCollection();
        for (String f : new String[] {"MemFree", "AnonPages", "AnonHugePages"}) {
            String col = "meminfo." + f;
            if (t.has(col)) {
                data.addSeries(series(t, f, time, t.column(col), 1 / KIB_PER_GIB));
            }
        }
        if (data.getSeriesCount() == 0) {
            throw new IllegalArgumentException("memory needs meminfo.MemFree, meminfo.AnonPages or meminfo.AnonHugePages: "
                    + t.source + " has none of them" + t.closeNames("meminfo."));
        }
        return timeChart(title(t, "Memory"), "GiB", data, true);
    }

    /**
     * THP coverage: the share of anonymous memory in PMD-mapped THPs. AnonPages counts every
     * mapped anonymous base page, those of THPs too (NR_ANON_MAPPED, 512 for a PMD-mapped folio),
     * as Linux's does, so the machine's coverage is AnonHugePages / AnonPages; a process's is
     * AnonHugePages / Rss of its smaps (all thplab memory is anonymous).
     */
    static JFreeChart thp(Table t) {
        int time = time(t, "thp");
        XYSeriesCollection data = new XYSeriesCollection();
        if (t.has("meminfo.AnonHugePages") && t.has("meminfo.AnonPages")) {
            data.addSeries(ratio(t, "machine", time, t.column("meminfo.AnonHugePages"), t.column("meminfo.AnonPages"), 1));
        } else if (t.has("nr_anon_transparent_hugepages") && t.has("nr_anon_pages")) {
            // the same ratio from vmstat: THPs of 512 pages over anonymous pages
            data.addSeries(ratio(t, "machine", time, t.column("nr_anon_transparent_hugepages"), t.column("nr_anon_pages"), 512));
        }
        for (String c : t.columns) {
            if (c.startsWith("proc.") && c.endsWith(".AnonHugePages") && c.length() > "proc..AnonHugePages".length()) {
                String p = c.substring("proc.".length(), c.length() - ".AnonHugePages".length());
                String rss = "proc." + p + ".Rss";
                if (t.has(rss)) {
                    data.addSeries(ratio(t, p, time, t.column(c), t.column(rss), 1));
                }
            }
        }
        if (data.getSeriesCount() == 0) {
            throw new IllegalArgumentException("thp needs meminfo.AnonHugePages and meminfo.AnonPages (or nr_anon_transparent_hugepages"
                    + " and nr_anon_pages, or proc.<name>.AnonHugePages and proc.<name>.Rss): " + t.source + " has none of them");
        }
        JFreeChart chart = timeChart(title(t, "THP coverage"), "in THPs (% of anonymous memory)", data, true);
        ((NumberAxis) chart.getXYPlot().getRangeAxis()).setRange(-2, 102); // a 0 % marker clear of the axis
        return chart;
    }

    private static XYSeries ratio(Table t, String key, int time, int num, int den, double scale) {
        XYSeries s = new XYSeries(key, false, true);
        for (int r = 0; r < t.rows.size(); r++) {
            Double x = t.number(r, time);
            if (x == null) {
                continue;
            }
            Double a = t.number(r, num);
            Double b = t.number(r, den);
            s.add(x / 1e9, a == null || b == null || b <= 0 ? null : 100 * a * scale / b);
        }
        return s;
    }

    static JFreeChart counters(Table t, String names) {
        List<String> cols = new ArrayList<>(new LinkedHashSet<>(List.of(names.split(",", -1))));
        for (int i = 0; i < cols.size(); i++) {
            cols.set(i, cols.get(i).strip());
            if (cols.get(i).isEmpty()) {
                throw new IllegalArgumentException("counters=" + names + ": an empty name");
            }
        }
        int time = time(t, "counters");
        XYSeriesCollection data = new XYSeriesCollection();
        for (String c : cols) {
            int i = t.column(c);
            data.addSeries(series(t, c, time, i, 1));
        }
        return timeChart(title(t, String.join(", ", cols)), unit(cols), data, true);
    }

    /** The unit the columns share, by the recording's naming; "value" when they share none. */
    static String unit(List<String> cols) {
        Set<String> units = new LinkedHashSet<>();
        for (String c : cols) {
            if (c.startsWith("meminfo.") || (c.startsWith("proc.") && (c.endsWith(".Rss") || c.endsWith(".AnonHugePages")))) {
                units.add("kB");
            } else if (c.startsWith("nr_")) {
                units.add("pages");
            } else if (c.startsWith("report.") || c.equals("time_ns")) {
                units.add("value");
            } else {
                units.add("events");
            }
        }
        return units.size() == 1 ? units.iterator().next() : "value";
    }

    /**
     * The fault latency histogram as a CDF (the fraction of faults that took at most x, linear y)
     * or as {@code ccdf}, its complement on a log y axis (the fraction that took longer than x):
     * when nearly every fault falls in one bucket the CDF is a step at 1, and the tail, the
     * faults that zeroed 2 MiB or waited for compaction, shows only as 1 - F.
     */
    static JFreeChart latency(Table t, String view) {
        boolean ccdf = switch (view) {
            case "cdf" -> false;
            case "ccdf" -> true;
            default -> throw new IllegalArgumentException("latency=" + view + ": the views are latency (or latency=cdf)"
                    + " and latency=ccdf");
        };
        Table.Latency h = t.latency;
        if (h == null) {
            throw new IllegalArgumentException("latency needs a JSON recording with fault_latency: " + t.source
                    + (t.json ? " has none" : " is CSV"));
        }
        double total = 0;
        for (double c : h.count()) {
            total += c;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("latency: " + t.source + "'s fault_latency counts no fault");
        }
        XYSeries s = new XYSeries("faults", !ccdf, ccdf);
        double seen = 0;
        double above = 1; // 1 - F at the last bound drawn
        for (int i = 0; i < h.le().length && above > 0; i++) {
            seen += h.count()[i];
            double le = h.le()[i];
            // a log axis shows no bound of 0 (or the +Inf of an open last bucket); its faults still count
            if (!(le > 0 && Double.isFinite(le))) {
                if (ccdf) {
                    above = (total - seen) / total; // not drawn, but the next step starts below it
                }
                continue;
            }
            if (!ccdf) {
                s.addOrUpdate(le, seen / total);
                continue;
            }
            // 1 - F as steps: flat across a bucket (its faults counted at its upper bound, as the
            // CDF counts them), down at the bound; the log y axis cannot show the last step to 0,
            // so the line ends at the slowest bucket's bound, at the share of faults in it
            double y = (total - seen) / total;
            s.add(le, above);
            if (y != above && y > 0) {
                s.add(le, y);
            }
            above = y;
        }
        if (s.getItemCount() == 0) {
            throw new IllegalArgumentException("latency: " + t.source + "'s fault_latency has no positive bound le_ns"
                    + (ccdf ? " below its slowest fault" : ""));
        }
        LogAxis x = new LogAxis("fault latency (ns)");
        // whole decades: ticks at powers of ten only, 10^n labels, never 10^2.2
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
        double lo = Math.pow(10, Math.floor(Math.log10(s.getMinX())));
        // the decade above the slowest bound, so that a line ending on a power of ten is not on the edge
        double hi = Math.pow(10, Math.floor(Math.log10(s.getMaxX())) + 1);
        x.setRange(lo, Math.max(hi, lo * 10));
        ValueAxis y;
        if (ccdf) {
            LogAxis ly = new LogAxis("fraction of faults > latency");
            ly.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
            // from the decade of one fault in all of them (the smallest fraction there is) to 1
            ly.setRange(Math.pow(10, Math.floor(Math.log10(1 / total))), 1.5);
            y = ly;
        } else {
            NumberAxis ny = axis("fraction of faults \u2264 latency");
            ny.setRange(0, 1.02);
            y = ny;
        }
        XYSeriesCollection data = new XYSeriesCollection(s);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, s.getItemCount() <= 64);
        XYPlot plot = new XYPlot(data, x, y, r);
        String name = ccdf ? "Fault latency, 1 - CDF" : "Fault latency CDF";
        JFreeChart chart = new JFreeChart(title(t, name), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        theme(chart);
        r.setSeriesStroke(0, new BasicStroke(1.5f));
        return chart;
    }

    // --- sweep results ---------------------------------------------------------------------

    /** The rows of a results table that did not fail (an empty or missing error cell). */
    private static List<Integer> okRows(Table t) {
        int err = t.has("error") ? t.column("error") : -1;
        List<Integer> ok = new ArrayList<>();
        for (int r = 0; r < t.rows.size(); r++) {
            if (err < 0 || t.text(r, err) == null) {
                ok.add(r);
            }
        }
        return ok;
    }

    /** Mean, min and max of a group's values. */
    record Stat(double mean, double min, double max, int n) {
        static Stat of(List<Double> v) {
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double d : v) {
                sum += d;
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            return new Stat(sum / v.size(), min, max, v.size());
        }
    }

    /** The measure's values grouped by the key columns' values (in row order), rows without a value left out. */
    private static Map<List<String>, List<Double>> groups(Table t, String kind, int measure, int... keys) {
        Map<List<String>, List<Double>> g = new LinkedHashMap<>();
        for (int r : okRows(t)) {
            Double v = t.number(r, measure);
            if (v == null) {
                continue;
            }
            List<String> k = new ArrayList<>();
            for (int c : keys) {
                String s = t.text(r, c);
                if (s == null) {
                    k = null;
                    break;
                }
                k.add(s);
            }
            if (k != null) {
                g.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        if (g.isEmpty()) {
            throw new IllegalArgumentException(kind + ": " + t.source + " has no row with a value of " + t.columns.get(measure)
                    + (t.has("error") ? " that did not fail" : ""));
        }
        return g;
    }

    static JFreeChart bar(Table t, String arg) {
        String[] p = arg.split(":", -1);
        if (p.length > 2 || p[0].isBlank() || (p.length == 2 && p[1].isBlank())) {
            throw new IllegalArgumentException("bar=" + arg + ": expected bar=<measure>[:<column>]");
        }
        String measureName = p[0].strip();
        String keyName = p.length == 2 ? p[1].strip() : "cell";
        int measure = t.column(measureName);
        int key = t.column(keyName);
        Map<List<String>, List<Double>> g = groups(t, "bar", measure, key);
        Map<String, Stat> stats = new LinkedHashMap<>();
        for (String k : Table.sortedValues(g.keySet().stream().map(l -> l.get(0)).toList())) {
            stats.put(k, Stat.of(g.get(List.of(k))));
        }
        return bars(t, measureName, keyName, stats);
    }

    /** The bar chart of the groups' statistics, in the order given. */
    static JFreeChart bars(Table t, String measure, String column, Map<String, Stat> stats) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Map.Entry<String, Stat> e : stats.entrySet()) {
            data.addValue(e.getValue().mean(), measure, e.getKey());
        }
        CategoryAxis x = new CategoryAxis(column);
        if (stats.size() > 12) {
            x.setCategoryLabelPositions(CategoryLabelPositions.UP_90);
        }
        NumberAxis y = axis(measure + (stats.values().stream().anyMatch(s -> s.n() > 1) ? " (mean, bars min..max)" : ""));
        ErrorBarRenderer r = new ErrorBarRenderer(new ArrayList<>(stats.values()));
        CategoryPlot plot = new CategoryPlot(data, x, y, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        JFreeChart chart = new JFreeChart(title(t, measure + " by " + column), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        theme(chart);
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        return chart;
    }

    /** Bars with a min..max whisker over each that stands for more than one row. */
    static final class ErrorBarRenderer extends BarRenderer {
        private static final long serialVersionUID = 1L;
        private final List<Stat> stats;

        ErrorBarRenderer(List<Stat> stats) {
            this.stats = stats;
        }

        @Override
        public Range findRangeBounds(CategoryDataset dataset) {
            Range r = super.findRangeBounds(dataset);
            for (Stat s : stats) {
                r = Range.expandToInclude(Range.expandToInclude(r, s.min()), s.max());
            }
            return r;
        }

        @Override
        public void drawItem(Graphics2D g2, CategoryItemRendererState state, Rectangle2D dataArea, CategoryPlot plot,
                CategoryAxis domainAxis, ValueAxis rangeAxis, CategoryDataset dataset, int row, int column, int pass) {
            super.drawItem(g2, state, dataArea, plot, domainAxis, rangeAxis, dataset, row, column, pass);
            Stat s = stats.get(column);
            if (pass != getPassCount() - 1 || s.n() < 2) {
                return;
            }
            double x = domainAxis.getCategoryMiddle(column, dataset.getColumnCount(), dataArea, plot.getDomainAxisEdge());
            double lo = rangeAxis.valueToJava2D(s.min(), dataArea, plot.getRangeAxisEdge());
            double hi = rangeAxis.valueToJava2D(s.max(), dataArea, plot.getRangeAxisEdge());
            double cap = Math.max(2, state.getBarWidth() / 4);
            g2.setPaint(Color.BLACK);
            g2.setStroke(new BasicStroke(1.2f));
            g2.draw(new Line2D.Double(x, lo, x, hi));
            g2.draw(new Line2D.Double(x - cap, lo, x + cap, lo));
            g2.draw(new Line2D.Double(x - cap, hi, x + cap, hi));
        }
    }

    /** A heat map's cells: the sorted x and y values and the mean at each (x, y) that has rows; NaN where none. */
    record Heat(List<String> xs, List<String> ys, double[][] mean) {
        double lower() {
            double m = Double.POSITIVE_INFINITY;
            for (double[] col : mean) {
                for (double v : col) {
                    if (!Double.isNaN(v)) {
                        m = Math.min(m, v);
                    }
                }
            }
            return m;
        }

        double upper() {
            double m = Double.NEGATIVE_INFINITY;
            for (double[] col : mean) {
                for (double v : col) {
                    if (!Double.isNaN(v)) {
                        m = Math.max(m, v);
                    }
                }
            }
            return m;
        }
    }

    static Heat heat(Table t, String measureName, String xName, String yName) {
        int measure = t.column(measureName);
        int x = t.column(xName);
        int y = t.column(yName);
        Map<List<String>, List<Double>> g = groups(t, "heatmap", measure, x, y);
        Set<String> xv = new LinkedHashSet<>();
        Set<String> yv = new LinkedHashSet<>();
        for (List<String> k : g.keySet()) {
            xv.add(k.get(0));
            yv.add(k.get(1));
        }
        List<String> xs = Table.sortedValues(xv);
        List<String> ys = Table.sortedValues(yv);
        double[][] mean = new double[xs.size()][ys.size()];
        for (double[] col : mean) {
            java.util.Arrays.fill(col, Double.NaN);
        }
        for (Map.Entry<List<String>, List<Double>> e : g.entrySet()) {
            mean[xs.indexOf(e.getKey().get(0))][ys.indexOf(e.getKey().get(1))] = Stat.of(e.getValue()).mean();
        }
        return new Heat(xs, ys, mean);
    }

    static JFreeChart heatmap(Table t, String arg) {
        String[] p = arg.split(":", -1);
        if (p.length != 3 || p[0].isBlank() || p[1].isBlank() || p[2].isBlank()) {
            throw new IllegalArgumentException("heatmap=" + arg + ": expected heatmap=<measure>:<x>:<y>");
        }
        String measure = p[0].strip();
        String xName = p[1].strip();
        String yName = p[2].strip();
        Heat h = heat(t, measure, xName, yName);
        int nx = h.xs().size();
        int ny = h.ys().size();
        List<double[]> cells = new ArrayList<>();
        for (int i = 0; i < nx; i++) {
            for (int j = 0; j < ny; j++) {
                if (!Double.isNaN(h.mean()[i][j])) {
                    cells.add(new double[] {i, j, h.mean()[i][j]});
                }
            }
        }
        double[][] xyz = new double[3][cells.size()];
        for (int k = 0; k < cells.size(); k++) {
            for (int d = 0; d < 3; d++) {
                xyz[d][k] = cells.get(k)[d];
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries(measure, xyz);

        double lo = h.lower();
        double hi = h.upper();
        if (lo == hi) {
            // one mean only: a scale around it, the cells in its middle colour
            double d = lo == 0 ? 1 : Math.abs(lo) * 0.01;
            lo -= d;
            hi += d;
        }
        ColourScale scale = new ColourScale(lo, hi);
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(scale);
        SymbolAxis x = new SymbolAxis(xName, h.xs().toArray(new String[0]));
        SymbolAxis y = new SymbolAxis(yName, h.ys().toArray(new String[0]));
        for (SymbolAxis a : new SymbolAxis[] {x, y}) {
            a.setGridBandsVisible(false);
            a.setAutoRangeIncludesZero(false);
        }
        x.setRange(-0.5, nx - 0.5);
        y.setRange(-0.5, ny - 0.5);
        if (nx > 12) {
            x.setVerticalTickLabels(true);
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        JFreeChart chart = new JFreeChart(title(t, measure + " by " + xName + " and " + yName), JFreeChart.DEFAULT_TITLE_FONT,
                plot, false);
        NumberAxis legendAxis = axis(measure + " (mean)");
        legendAxis.setRange(lo, hi);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setSubdivisionCount(64);
        legend.setStripWidth(14);
        legend.setAxisOffset(4);
        legend.setMargin(new RectangleInsets(8, 8, 8, 8));
        legend.setFrame(BlockBorder.NONE);
        chart.addSubtitle(legend);
        theme(chart);
        legend.setBackgroundPaint(null);
        plot.setBackgroundPaint(new Color(0xd8d8d8)); // no row for that pair
        if (cells.size() <= MAX_LABELLED_CELLS) {
            for (double[] c : cells) {
                XYTextAnnotation a = new XYTextAnnotation(format(c[2]), c[0], c[1]);
                a.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                a.setTextAnchor(TextAnchor.CENTER);
                a.setPaint(scale.dark(c[2]) ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(a);
            }
        }
        return chart;
    }

    /** A mean as text: an integer as is, else four significant digits, whatever the locale. */
    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }

    /** A number axis whose tick labels do not depend on the default locale. */
    static NumberAxis axis(String label) {
        NumberAxis a = new NumberAxis(label);
        a.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
        return a;
    }

    /** The viridis colour map, from its five anchor colours: dark for low, yellow for high, readable in grey. */
    static final class ColourScale implements PaintScale, java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private static final int[] ANCHORS = {0x440154, 0x3b528b, 0x21918c, 0x5ec962, 0xfde725};
        private final double lower;
        private final double upper;

        ColourScale(double lower, double upper) {
            this.lower = lower;
            this.upper = upper;
        }

        @Override
        public double getLowerBound() {
            return lower;
        }

        @Override
        public double getUpperBound() {
            return upper;
        }

        @Override
        public Paint getPaint(double value) {
            return colour(value);
        }

        Color colour(double value) {
            double f = (value - lower) / (upper - lower);
            f = Double.isNaN(f) ? 0 : Math.max(0, Math.min(1, f));
            double pos = f * (ANCHORS.length - 1);
            int i = Math.min(ANCHORS.length - 2, (int) pos);
            double w = pos - i;
            int a = ANCHORS[i];
            int b = ANCHORS[i + 1];
            return new Color(mix(a >> 16, b >> 16, w), mix(a >> 8, b >> 8, w), mix(a, b, w));
        }

        private static int mix(int a, int b, double w) {
            return (int) Math.round((a & 0xff) * (1 - w) + (b & 0xff) * w);
        }

        /** Whether white text reads better than black on the value's colour. */
        boolean dark(double value) {
            Color c = colour(value);
            return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue() < 128;
        }
    }
}
