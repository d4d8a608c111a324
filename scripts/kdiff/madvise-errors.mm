# madvise(2) of hugepage, nohugepage and dontneed over a whole region all succeed.
boot 1G
sysfs enabled always
spawn p
mmap p r 2M
madvise p r 0 2M hugepage
madvise p r 0 2M nohugepage
madvise p r 0 2M dontneed
smaps p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
