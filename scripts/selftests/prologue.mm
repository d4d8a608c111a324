# The setup every anonymous case of tools/testing/selftests/mm/khugepaged.c starts from, included
# by each scripts/selftests/*.mm (not a scenario of its own): a 1 GiB machine with swap, the
# selftest's default_settings, its test process, and alloc_at_fault(), which runs first.
boot 1G swap=256M
# default_settings of the selftest's main()
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
# alloc_at_fault() runs first in the selftest: its THP fault registers the process with
# khugepaged (do_huge_pmd_anonymous_page() -> khugepaged_enter_vma()) for every later case.
sysfs enabled always
mmap test f 2M
touch test f 0 4K write
munmap test f
sysfs enabled madvise
