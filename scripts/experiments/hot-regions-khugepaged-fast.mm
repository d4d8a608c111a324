# The hot-regions experiment (docs/experiments/hot-regions.md): base pages at the fault, khugepaged every 100 ms
policy use fault base
sysfs khugepaged/scan_sleep_millisecs 100
run hot-regions
