# What THP buys: a million uniform loads over 1 GiB, mapped with base pages and with THPs, on
# this project's reference MMU (zen4) as a guest under nested paging whose host backs it with
# 2 MiB pages (with 4K host pages every TLB entry is 4K: the guest's THPs would shorten the walks
# only). perf stat counts each process from its creation: its touch's faults, then its accesses.
mmu virtualized 1
mmu host_page 2M
mmu
boot 4G seed=1
sysfs enabled never
spawn base
mmap base heap 1G
touch base heap 0 1G write
access base heap uniform 1M
perf stat base
sysfs enabled always
spawn thp
mmap thp heap 1G
touch thp heap 0 1G write
access thp heap uniform 1M
perf stat thp
# The flushes: MADV_DONTNEED of 4 base pages (one INVLPG each) and of one whole THP (one PMD stride).
madvise base heap 0 16K dontneed
madvise thp heap 0 2M dontneed
stat
# Mel Gorman's four measures for each: the base-page process's slowdown against an all-THP mapping
# of the same accesses, and the THP process's RAM lost to never-written huge pages (none: it
# wrote every page).
report base
report thp
# The same measures as one JSON object, for jq or pandas.
report --json thp
