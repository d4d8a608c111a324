package org.thplab.mm.sweep;

import java.nio.file.Path;

/**
 * Draws one chart of a spec's {@code charts:} from a sweep's {@code results.csv}. The plot bundle
 * provides the real one; a caller without it passes one that says so.
 */
@FunctionalInterface
public interface ChartMaker {
    /**
     * @param results the {@code results.csv} written
     * @param what    the chart's {@code plot:} words, e.g. {@code heatmap=children:sysfs.promotion_threshold:policy.reclaim}
     * @param out     the file to write, in the results' folder
     * @throws IllegalArgumentException when the chart cannot be drawn, saying why
     */
    void plot(Path results, String what, Path out);
}
