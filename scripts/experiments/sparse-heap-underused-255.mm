# The sparse-heap experiment (docs/experiments/sparse-heap.md), in-process: reclaim underused at max_ptes_none 255 (RunScript registers it as underused-255;
# in the framework it is the configuration max_ptes_none=255), khugepaged every 100 ms
sysfs enabled always
# The 1 GiB heap is more than the 640 MiB machine: map it as overcommitted address space (mode 1).
sysctl vm.overcommit_memory 1
sysfs khugepaged/scan_sleep_millisecs 100
sysfs khugepaged/pages_to_scan 65536
policy use reclaim underused-255
run sparse-heap size=640M heap=1G fill=50 free=50 cycles=4 sleep=1000 placement=next
