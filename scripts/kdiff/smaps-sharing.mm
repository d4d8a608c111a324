# smaps' sharing lines (smaps_account(), CONFIG_PAGE_MAPCOUNT): a THP and base pages mapped by
# three processes (Pss a third, in 12-bit fixed point), a child's CoW of one page of a shared THP
# (its PMD split: 4 kB private, the rest still shared with two PMDs), MADV_DONTNEED of part of a
# shared THP in one process, and the collapse of a range shared after fork in the parent only.
boot 1G
sysfs enabled madvise
spawn p
mmap p t 4M
madvise p t 0 4M hugepage
touch p t 0 4M
mmap p b 2M
madvise p b 0 2M nohugepage
touch p b 0 40K
fork p c
fork p d
smaps p t
smaps d b
touch c t 8K 4K
smaps c t
smaps p t
touch d b 0 4K
smaps p b
smaps d b
madvise d t 2M 1M dontneed
smaps d t
smaps p t
mmap p m 2M
madvise p m 0 2M hugepage
madvise p m 0 2M nohugepage
touch p m 0 2M
madvise p m 0 2M hugepage
fork p e
madvise p m 0 2M collapse
smaps p m
smaps e m
verify p t
verify c t
verify d t
verify p b
verify d b
verify p m
verify e m
vmstat thp_split_pmd
vmstat thp_collapse_alloc
check
