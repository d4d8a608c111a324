# Promoters are policies: MADV_COLLAPSE needs one that implements it (else EINVAL, as on a kernel
# without it), and nothing collapses in the background without khugepaged. Both can be turned
# off and on live with mm:policy.
boot 1G
sysfs enabled madvise
sysfs khugepaged/scan_sleep_millisecs 10
spawn p
mmap p a 4M
touch p a 0 4M write
policy disable promotion madv-collapse
policy disable promotion khugepaged
madvise p a 0 2M collapse
madvise p a 0 4M hugepage
tick 100ms
smaps p a
vmstat thp_collapse_alloc
echo khugepaged back on: the next passes collapse both ranges
policy enable promotion khugepaged
tick 100ms
smaps p a
sysfs khugepaged/pages_collapsed
echo MADV_COLLAPSE back on
policy enable madv-collapse
mmap p b 2M
touch p b 0 2M write
madvise p b 0 2M collapse
smaps p b
verify p a
verify p b
check
