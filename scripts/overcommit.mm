# vm.overcommit_memory and Committed_AS, as Linux 6.18 accounts them: a private, writable,
# anonymous mapping is VM_ACCOUNT (accountable_mapping() in mm/vma.c), so its pages are charged to
# vm_committed_as at mmap, touched or not, through __vm_enough_memory() (mm/util.c), which may
# refuse with ENOMEM and then changes nothing; munmap and exit give the pages back
# (vm_unacct_memory()); fork charges the child's VM_ACCOUNT VMAs one by one (dup_mmap()).
# CommitLimit is vm_commit_limit(): overcommit_ratio percent of RAM (or overcommit_kbytes) plus
# swap. The simulated processes are not root: the admin reserve applies. docs/model.md has more.
boot 1G swap=256M
sysctl
meminfo
echo 1. OVERCOMMIT_GUESS, the default: a single map larger than RAM + swap is refused, nothing else
spawn p
mmap p wild 1400M
mmap p big 1200M
mmap p big2 1200M
meminfo
munmap p big2
munmap p big 0 200M
meminfo
fork p child
meminfo
exit child
exit p
echo 2. OVERCOMMIT_NEVER: a charge must stay below CommitLimit less the admin and user reserves
sysctl vm.overcommit_memory=2
spawn q
mmap q a 512M
mmap q b 300M
smaps q
mmap q b 200M
meminfo
fork q child
meminfo
echo writing overcommit_kbytes zeroes overcommit_ratio, and the other way round
sysctl vm.overcommit_kbytes 2097152
sysctl vm.overcommit_ratio
meminfo
fork q child
meminfo
sysctl vm.overcommit_ratio 50
sysctl vm.overcommit_kbytes
exit child
exit q
echo 3. OVERCOMMIT_ALWAYS: nothing is refused
sysctl vm.overcommit_memory 1
spawn r
mmap r a 64G
fork r child
meminfo
exit child
exit r
echo 4. the 4.19 heuristic (thplab's option): free pages + free swap - totalreserve_pages - admin reserve must exceed the request
sysctl vm.overcommit_memory 0
sysctl thplab.overcommit_guess_heuristic 4.19
spawn s
mmap s used 512M
touch s used 0 512M write
meminfo
mmap s more 760M
mmap s more 740M
meminfo
echo bad names and values change nothing
!sysctl vm.overcommit_memory 3
!sysctl vm.overcommit_ratio -1
!sysctl vm.nr_hugepages 1
!sysctl thplab.overcommit_guess_heuristic 5.2
sysctl
echo each refusal is in the kernel log (pr_warn_ratelimited(): at most 10 lines in 5 s)
dmesg
check
verify s used
