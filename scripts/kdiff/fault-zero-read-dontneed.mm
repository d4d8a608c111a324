# MADV_DONTNEED of part of a huge zero PMD: zap_huge_pmd() cannot zap half, so the PMD is split
# (split_huge_pmd) into zero-page PTEs and those in range are zapped.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
touch p r 0 2M read
madvise p r 0 1M dontneed
smaps p r
touch p r 0 2M write
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
