# min_free_kbytes and the zone watermarks, Linux 6.18. The boot computes min_free_kbytes as
# calculate_min_free_kbytes() does (int_sqrt(lowmem_kbytes * 16)), then hugepage_init()'s
# start_stop_khugepaged() runs set_recommended_min_free_kbytes(): while PMD-sized THPs are
# enabled it raises min_free_kbytes to 11 pageblocks per zone (at most 5% of the pages above the
# high watermark); while they are not it computes the value again. Every write of enabled or a
# hugepages-<size>kB/enabled does the same, other knobs do not. __setup_per_zone_wmarks() puts
# low and high one and two steps above min: a quarter of min or watermark_scale_factor / 10000 of
# the zone, whichever is more. Measured on the 6.18 VM (three zones, so three times the pageblocks):
# 67584 kB with enabled madvise, 19832 after `echo never > enabled`, 19852 after a second
# `echo never`, 67584 again with hugepages-2048kB/enabled always; after
# `sysctl vm.min_free_kbytes=1000`, a write of enabled logs "khugepaged: raising min_free_kbytes
# from 1000 to 67584 to help transparent hugepage allocations".
boot 1G
sysctl vm.min_free_kbytes
zoneinfo
sysfs enabled never
sysctl vm.min_free_kbytes
sysfs khugepaged/max_ptes_none 100
sysctl vm.min_free_kbytes
sysfs enabled never
sysctl vm.min_free_kbytes
sysfs hugepages-2048kB/enabled always
sysctl vm.min_free_kbytes
sysfs hugepages-2048kB/enabled inherit
sysfs enabled always
# A value the user writes is kept when larger than the recommendation, and raised, with the
# kernel's line in the log, when smaller.
sysctl vm.min_free_kbytes=1000
zoneinfo
sysfs enabled madvise
sysctl vm.min_free_kbytes
dmesg
sysctl vm.watermark_scale_factor=100
zoneinfo
!sysctl vm.watermark_scale_factor 0
zoneinfo
