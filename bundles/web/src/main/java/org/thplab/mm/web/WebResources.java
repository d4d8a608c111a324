package org.thplab.mm.web;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardResource;

/**
 * The page's static files under {@code /thplab/} (this bundle's {@code static/}) and uPlot's under
 * {@code /thplab/lib/uplot/} (copied from its WebJar into the bundle at build time), served by the
 * whiteboard's resource handling.
 */
@Component(service = WebResources.class)
@HttpWhiteboardResource(pattern = {"/thplab/*"}, prefix = "/static")
public class WebResources {
}
