# sparse-heap (docs/workloads.md): a 64 MiB heap grows, frees half its objects with
# MADV_DONTNEED and regrows, three times; khugepaged wakes every 100 ms and scans fast.
sysfs enabled always
sysfs khugepaged/scan_sleep_millisecs 100
sysfs khugepaged/pages_to_scan 65536
# max_ptes_none 511 (the default): khugepaged collapses the holes back into THPs.
run sparse-heap size=1G heap=64M cycles=3 sleep=1000
# max_ptes_none 0: the holes stay, and so do the partially mapped THPs' freed subpages.
sysfs khugepaged/max_ptes_none 0
run sparse-heap size=1G heap=64M cycles=3 sleep=1000
!run sparse-heap min=8K max=4K
!run sparse-heap fill=101
