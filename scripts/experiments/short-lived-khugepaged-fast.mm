# The short-lived experiment (docs/experiments/short-lived.md): base pages at the fault, khugepaged every 10 ms
sysfs enabled always
policy use fault base
sysfs khugepaged/scan_sleep_millisecs 10
sysfs khugepaged/pages_to_scan 65536
run short-lived
