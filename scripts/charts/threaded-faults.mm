# Chart of docs/experiments/threaded-faults.md. This replays the workload with shell commands
# (written before a recording went on through the boot of a workload's run): 8 threads of one
# process fault base pages into their 64 MiB parts of a 512 MiB heap, 4 MiB a step round robin, then
# make 20,000 uniform loads each; khugepaged every 1 ms (copy collapse under the mmap lock), then no
# promoter.
boot 2G seed=0
policy use fault base
sysfs khugepaged/scan_sleep_millisecs 1
include threaded-faults-steps.mm
record save ../../docs/experiments/data/threaded-faults-khugepaged.json
plot ../../docs/experiments/data/threaded-faults-khugepaged.json latency ../../docs/experiments/threaded-faults-khugepaged-latency.svg
plot ../../docs/experiments/data/threaded-faults-khugepaged.json latency=ccdf ../../docs/experiments/threaded-faults-khugepaged-latency-tail.svg
boot 2G seed=0
policy use fault base
policy disable promotion khugepaged
include threaded-faults-steps.mm
record save ../../docs/experiments/data/threaded-faults-none.json
plot ../../docs/experiments/data/threaded-faults-none.json latency ../../docs/experiments/threaded-faults-none-latency.svg
plot ../../docs/experiments/data/threaded-faults-none.json latency=ccdf ../../docs/experiments/threaded-faults-none-latency-tail.svg
