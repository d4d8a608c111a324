# Fault-time THP with enabled=never, use_zero_page=0: __handle_mm_fault() tries create_huge_pmd()
# only where thp_vma_allowable_order() allows it (VM_HUGEPAGE for madvise, never VM_NOHUGEPAGE);
# do_huge_pmd_anonymous_page() maps the huge zero page on a read when use_zero_page is set.
boot 1G
sysfs enabled never
sysfs use_zero_page 0
spawn p
mmap p plain 4M
mmap p hp 4M
mmap p nohp 4M
madvise p hp 0 4M hugepage
madvise p nohp 0 4M nohugepage
touch p plain 0 2M read
touch p hp 0 2M read
touch p nohp 0 2M read
smaps p plain
smaps p hp
smaps p nohp
touch p plain 2M 2M write
touch p hp 2M 2M write
touch p nohp 2M 2M write
smaps p plain
smaps p hp
smaps p nohp
verify p plain
verify p hp
verify p nohp
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
