# Compaction must not move a page that stands behind a migration entry. The migration-entry
# promoter replaces a range's PTEs by migration entries and builds the huge page later; meanwhile
# the source pages are isolated from the LRU (as migrate_pages() isolates them), so
# isolate_migratepages_block() does not see them and the LRU scan does not pick them.
# Here drop-all releases 16 sparse reservations under pressure; the promoter then copy-promotes
# the ranges, and the allocations for the copies compact memory while earlier promotions are
# pending. Before the fix, compaction moved a pending source page: its content was lost (verify
# p r) and its new frame leaked (check).
sysfs enabled always
sysfs khugepaged/scan_sleep_millisecs 10
policy use fault reservation
policy use reclaim drop-all
policy disable promotion khugepaged
policy disable promotion madv-collapse
policy disable promotion reservation
policy enable promotion migration-entry
boot 256M swap=64M seed=11
spawn p
mmap p a 20M
madvise p a 0 20M nohugepage
touch p a 0 20M write
mmap p r 32M
touch p r 0M 4K write
touch p r 2M 4K write
touch p r 4M 4K write
touch p r 6M 4K write
touch p r 8M 4K write
touch p r 10M 4K write
touch p r 12M 4K write
touch p r 14M 4K write
touch p r 16M 4K write
touch p r 18M 4K write
touch p r 20M 4K write
touch p r 22M 4K write
touch p r 24M 4K write
touch p r 26M 4K write
touch p r 28M 4K write
touch p r 30M 4K write
vmstat nr_thp_reserved
spawn q
mmap q f 196M
madvise q f 0 196M nohugepage
touch q f 0 196M write
vmstat nr_thp_reserved
vmstat thp_collapse_alloc
vmstat pgmigrate_success
check
verify p a
verify p r
verify q f
