package org.thplab.mm.web;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardResource;

/** uPlot's files, from the WebJar org.webjars.npm:uplot copied into this bundle, under {@code /thplab/lib/uplot/}. */
@Component(service = UplotResources.class)
@HttpWhiteboardResource(pattern = {"/thplab/lib/uplot/*"}, prefix = "/META-INF/resources/webjars/uplot/1.6.30/dist")
public class UplotResources {
}
