/**
 * Charts of thplab results: {@link org.thplab.mm.plot.Plots#plot} draws a recording
 * ({@code record save}, CSV or JSON) or a sweep's results table as SVG or PNG, 900 by 500 pixels,
 * headless. The kinds of chart are listed by {@link org.thplab.mm.plot.Plots#kinds()} and in
 * docs/plot.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.thplab.mm.plot;
