# A 1 GiB machine with swap, the default_settings of the main() of
# tools/testing/selftests/mm/khugepaged.c, and its test process. Included by prologue.mm and
# alloc_at_fault.mm; not a scenario of its own.
boot 1G swap=256M
sysfs enabled madvise
sysfs defrag always
sysfs use_zero_page 0
sysfs khugepaged/defrag 1
sysfs khugepaged/scan_sleep_millisecs 10
sysfs khugepaged/alloc_sleep_millisecs 10
sysfs khugepaged/max_ptes_none 511
sysfs khugepaged/max_ptes_swap 64
sysfs khugepaged/max_ptes_shared 256
sysfs khugepaged/pages_to_scan 4096
spawn test
