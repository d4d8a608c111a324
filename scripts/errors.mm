# Every error message of a misused command. A line starting with '!' expects the command to be
# misused: the runner prints "error: <message>" and goes on (without '!', ./thplab stops there
# with FILE:LINE: <message> and exit code 1). A misused command changes nothing: the state
# printed at the end is what the valid commands made.
!touch p a 0 4K
!vmstat
!frobnicate
!boot
!boot 12Q
!boot 1000
!boot 1G swap=3
!boot 1G seed=x
!boot 1G colour=blue
boot 1G
!spawn
!spawn p q
!spawn bad/name
spawn p
!spawn p
!mmap nobody a 2M
!mmap p a 0
!mmap p a 5000
!mmap p a two
!mmap p big 8T
mmap p a 2M
!mmap p a 2M
!munmap p a 4K
!munmap p nowhere
!munmap p a 1 4K
!touch p nowhere 0 4K
!touch p a 1 4K
!touch p a 0 0
!touch p a 2M 4K
!touch p a 1M 2M
!touch p a 0 4K sideways
!touch p a -4K 4K
!touch p a 0 -4K
!madvise p a 0 4K hugepages
!madvise p a 0 4K
!madvise p a 4K 4M dontneed
!fork nobody q
!fork p p
!fork p bad/name
!exit nobody
!tick -5ms
!tick soon
!tick 1M
!smaps nobody
!smaps p nowhere
!vmstat nosuchcounter
!verify p nowhere
!sysfs nosuchknob
!sysfs enabled sometimes
!sysfs defrag maybe
!sysfs use_zero_page 2
!sysfs khugepaged/max_ptes_none 512
!sysfs khugepaged/max_ptes_none -1
!sysfs khugepaged/pages_to_scan 0
!sysfs khugepaged/max_ptes_swap lots
!sysfs hpage_pmd_size 4096
!policy use fault nosuch
!policy use nosuchkind thp
!policy enable nosuch
!policy frob
!policy use cow nosuch
!trace sometimes
!trace on off
!dmesg -c
!oom_score_adj
!oom_score_adj nobody
!oom_score_adj p 1001
!oom_score_adj p lots
!oom_score
!oom_score nobody
!meminfo all
!buddyinfo 0
!check all
!stat host
!help me please
!help frobnicate
# Nothing above changed the machine: one process, one region, nothing touched, defaults intact.
smaps p
vmstat pgfault
sysfs enabled
sysfs khugepaged/max_ptes_none
check
