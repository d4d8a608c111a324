# munmap and MADV_DONTNEED of part of a THP: zap_pmd_range() splits the PMD
# (__split_huge_pmd(), thp_split_pmd) and zaps the PTEs of the range; the THP is then partially
# mapped and queued for deferred split (deferred_split_folio(), thp_deferred_split_page). Its
# unmapped subpages stay allocated until memory pressure splits it (deferred_split_scan()),
# but leave AnonPages at once: it counts mapped pages (NR_ANON_MAPPED), as the kernel does.
boot 1G
sysfs enabled always
spawn p
mmap p a 4M
touch p a 0 4M write
munmap p a 1M 1M
smaps p a
vmstat thp_split_pmd
vmstat thp_deferred
meminfo
madvise p a 2M 8K dontneed
smaps p a
vmstat thp_split_pmd
vmstat thp_deferred
# A read of the zapped range sees zeroes again (and maps the zero page).
touch p a 2M 8K read
verify p a
check
# Unmapping the whole first THP range frees the rest of that THP at once.
munmap p a 0 2M
smaps p a
vmstat nr_anon
check
