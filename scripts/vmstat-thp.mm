# /proc/vmstat's THP counters as Linux 6.18 lists them (vmstat_text[] in mm/vmstat.c): every
# one, in the kernel's order, as `grep thp /proc/vmstat` prints them on a 6.18 machine:
# thp_migration_success, _fail, _split sit with the migration counters (after pgmigrate_fail,
# before compact_migrate_scanned), the others after the unevictable counters, from
# thp_fault_alloc to thp_swpout_fallback; then the reservation RFC's thp_res_*. Counters that
# cannot move in the model (no memcg: thp_fault_fallback_charge; no page cache: thp_file_*; no
# PUD THP: thp_split_pud; no THP migration: thp_migration_*) exist and read 0.
# nr_anon_transparent_hugepages is the gauge of PMD-mapped anonymous THPs (NR_ANON_THPS).
boot 1G
sysfs enabled always
spawn p
mmap p a 4M
touch p a 0 4M write
vmstat thp
vmstat nr_anon_transparent_hugepages
