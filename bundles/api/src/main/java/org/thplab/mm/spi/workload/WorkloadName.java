package org.thplab.mm.spi.workload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Names a workload component: the service property {@value #PROPERTY} that {@code run} finds it
 * by. Put it next to {@code @Component} on the class that implements {@link Workload}:
 *
 * <pre>{@code
 * @Component
 * @WorkloadName("rfc-fork")
 * public class RfcForkWorkload implements Workload { ... }
 * }</pre>
 *
 * <p>A single-element component property type (DS 1.4, 112.8.2.1): bnd derives the property name
 * from the annotation's name, {@code WorkloadName} giving {@code workload.name}. Retained in the
 * class file only: bnd reads it at build time.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface WorkloadName {
    /** The service property naming a workload. */
    String PROPERTY = "workload.name";

    /** @return the workload's name: letters, digits and dashes; a second service of that name replaces the first */
    String value();
}
