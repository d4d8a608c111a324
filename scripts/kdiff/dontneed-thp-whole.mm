# MADV_DONTNEED of a whole THP: zap_huge_pmd(), later reads see zeroes.
boot 1G
sysfs enabled always
spawn p
mmap p r 4M
touch p r 0 4M
madvise p r 0 2M dontneed
smaps p r
verify p r
touch p r 0 2M write
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
