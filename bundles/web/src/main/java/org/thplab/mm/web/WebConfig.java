package org.thplab.mm.web;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The web view's configuration ({@code org.thplab.mm.web}). The address and port it listens on
 * are the Felix HTTP service's own configuration ({@code org.apache.felix.http}), which the
 * {@code web start} command writes; see docs/web.md.
 */
@ObjectClassDefinition(name = "thplab web view", description = "What the web view shows and how often (docs/web.md)")
@interface WebConfig {
    @AttributeDefinition(description = "The machine the page shows")
    String machine() default "default";

    @AttributeDefinition(description = "Least wall time between two updates, in ms", min = "100")
    int interval__ms() default 100;

    @AttributeDefinition(description = "At most this share of the machine's time goes to the pictures, in percent", min = "1", max = "50")
    int budget__percent() default 5;

    @AttributeDefinition(description = "Pixels of the memory map, at most", min = "1024")
    int map__pixels() default 262144;
}
