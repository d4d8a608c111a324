# Both reclaim policies release reservations under memory pressure. Process r reserves 24
# blocks touching one page in each (48 MiB held, 96 kB mapped); then process q writes 96 MiB
# of base pages, which the machine has only if reservations give their unused pages back.
# reclaim-lru-shrinker releases reservations least recently faulted first, only as many as the
# reclaim target needs; reclaim-drop-all releases every one at once. allocstall_normal (direct
# reclaim entries) and pageoutrun (kswapd runs) count on across both halves: q's writes stall 10
# times under lru-shrinker (11 of the 24 reservations released, a few at each stall), once under
# drop-all.
echo reclaim-lru-shrinker
boot 128M
sysfs enabled always
policy use fault reservation
policy use reclaim lru-shrinker
# khugepaged would wake as r enters its empty list and collapse r's first range (max_ptes_none
# is 511): this scenario is about reclaim, so it stays off
policy disable khugepaged
spawn r
mmap r a 48M
touch r a 0 4K write
touch r a 2M 4K write
touch r a 4M 4K write
touch r a 6M 4K write
touch r a 8M 4K write
touch r a 10M 4K write
touch r a 12M 4K write
touch r a 14M 4K write
touch r a 16M 4K write
touch r a 18M 4K write
touch r a 20M 4K write
touch r a 22M 4K write
touch r a 24M 4K write
touch r a 26M 4K write
touch r a 28M 4K write
touch r a 30M 4K write
touch r a 32M 4K write
touch r a 34M 4K write
touch r a 36M 4K write
touch r a 38M 4K write
touch r a 40M 4K write
touch r a 42M 4K write
touch r a 44M 4K write
touch r a 46M 4K write
vmstat nr_thp_reserved
meminfo
spawn q
mmap q b 96M
sysfs enabled never
touch q b 0 96M write
sysfs enabled always
vmstat nr_thp_reserved
vmstat allocstall
vmstat pageoutrun
smaps r a
verify r a
verify q b
check
echo reclaim-drop-all
exit q
munmap r a
mmap r c 48M
touch r c 0M 4K write
touch r c 2M 4K write
touch r c 4M 4K write
touch r c 6M 4K write
touch r c 8M 4K write
touch r c 10M 4K write
touch r c 12M 4K write
touch r c 14M 4K write
touch r c 16M 4K write
touch r c 18M 4K write
touch r c 20M 4K write
touch r c 22M 4K write
touch r c 24M 4K write
touch r c 26M 4K write
touch r c 28M 4K write
touch r c 30M 4K write
touch r c 32M 4K write
touch r c 34M 4K write
touch r c 36M 4K write
touch r c 38M 4K write
touch r c 40M 4K write
touch r c 42M 4K write
touch r c 44M 4K write
touch r c 46M 4K write
policy use reclaim drop-all
vmstat nr_thp_reserved
spawn q
mmap q b 96M
sysfs enabled never
touch q b 0 96M write
sysfs enabled always
vmstat nr_thp_reserved
vmstat allocstall
vmstat pageoutrun
smaps r c
verify r c
verify q b
check
