# run --json (docs/workloads.md): a workload's result as one JSON object, for jq and the like:
# the workload, the machine, every parameter's value as the run had it (SIZE ones in bytes, the
# defaults included) and its figures: the numbers of its text report, by name, rows as lists,
# and Mel Gorman's four measures under "measures" (MachineOps.report's names, unconverted).
sysfs enabled always
# the same run twice (each boots afresh from its seed): as text, then as JSON
run sparse-heap size=256M heap=16M cycles=2 sleep=0 max=256K
run --json sparse-heap size=256M heap=16M cycles=2 sleep=0 max=256K
run --json rfc-fork size=64M chunk=16M max=2
# no JSON for a background job: its report is text (jobs, stop)
!run --background --json rfc-fork size=64M chunk=16M
