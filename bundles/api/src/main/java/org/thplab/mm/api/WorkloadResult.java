package org.thplab.mm.api;

import java.util.Map;

/**
 * What one run of a workload gave: its text report and the same figures by name.
 *
 * @param workload   the workload's name
 * @param parameters every parameter's value as the run had it (given or default), in the order
 *                   the workload lists them, {@link WorkloadParameter.Type#SIZE} ones in bytes
 * @param report     the text report, as {@link Workloads#run} returns it
 * @param results    the run's figures by name ({@code org.thplab.mm.spi.workload.WorkloadRun#results}):
 *                   numbers, strings, lists and maps, in the report's order
 * @since 2.6
 */
public record WorkloadResult(String workload, Map<String, String> parameters, String report, Map<String, Object> results) {
}
