# Chart of docs/experiments/sparse-heap.md. `run sparse-heap` boots the machine, which ends a
# recording, so this replays a simpler sparse heap with shell commands: a 1 GiB heap on a 640 MiB
# machine (overcommit mode 1), THPs at the fault, khugepaged every 100 ms with 65536 pages a wake;
# 256 MiB written, every other 1 MiB freed with MADV_DONTNEED, 1 s of khugepaged, the next 256 MiB
# the same (a third 256 MiB gets the lru-shrinker run killed by the OOM killer). The defaults
# (lru-shrinker), then reclaim underused.
boot 640M seed=0
sysfs enabled always
sysctl vm.overcommit_memory 1
sysfs khugepaged/scan_sleep_millisecs 100
sysfs khugepaged/pages_to_scan 65536
include sparse-heap-steps.mm
record save ../../docs/experiments/data/sparse-heap-lru.csv
plot ../../docs/experiments/data/sparse-heap-lru.csv memory ../../docs/experiments/sparse-heap-lru-memory.svg
boot 640M seed=0
sysfs enabled always
sysctl vm.overcommit_memory 1
sysfs khugepaged/scan_sleep_millisecs 100
sysfs khugepaged/pages_to_scan 65536
policy use reclaim underused
include sparse-heap-steps.mm
record save ../../docs/experiments/data/sparse-heap-underused.csv
plot ../../docs/experiments/data/sparse-heap-underused.csv memory ../../docs/experiments/sparse-heap-underused-memory.svg
