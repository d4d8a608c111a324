package org.thplab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.thplab.mm.plot.Plots;

/**
 * The plot bundle in the framework: it resolved with its embedded JFreeChart and JFreeSVG
 * (nothing of org.jfree imported), and draws from inside it, where its classes, their
 * localisation bundles and the JRE's javax packages come through OSGi class loading.
 */
class PlotBundleTest {
    private Path dir;

    @BeforeEach
    void makeDir() throws Exception {
        dir = Files.createTempDirectory("plot-itest");
    }

    @AfterEach
    void removeDir() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void resolvesWithItsChartLibrariesInside() {
        Bundle plot = FrameworkUtil.getBundle(Plots.class);
        assertNotNull(plot, "Plots comes from a bundle");
        assertEquals("org.thplab.mm.plot", plot.getSymbolicName());
        assertEquals(Bundle.ACTIVE, plot.getState());
        String imports = plot.getHeaders().get("Import-Package");
        assertFalse(imports.contains("org.jfree"), imports);
    }

    @Test
    void drawsSvgAndPngInTheFramework() throws Exception {
        Path results = dir.resolve("results.csv");
        Files.writeString(results, "cell,seed,policy.reclaim,copies,error\n0,1,lru,10,\n1,2,lru,20,\n2,1,underused,5,\n3,2,underused,,oom\n");
        Path svg = dir.resolve("bar.svg");
        Plots.plot(results, "bar=copies:policy.reclaim", svg);
        String text = Files.readString(svg, StandardCharsets.UTF_8);
        assertTrue(text.contains("<svg") && text.contains(">underused</text>"), text);
        Path png = dir.resolve("heat.png");
        Plots.plot(results, "heatmap=copies:seed:policy.reclaim", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(500, img.getHeight());
        Path gif = dir.resolve("bar.gif");
        assertThrows(IllegalArgumentException.class, () -> Plots.plot(results, "bar=copies", gif));
        assertFalse(Files.exists(gif));
    }
}
