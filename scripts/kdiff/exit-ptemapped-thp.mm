# exit of a process with a PTE-mapped THP: zapped in one batch, no deferred split counted.
boot 1G
sysfs enabled always
spawn p
spawn q
mmap p r 2M
mmap q r 2M
touch p r 0 2M
touch q r 0 2M
madvise p r 0 4K dontneed
exit p
smaps q r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
