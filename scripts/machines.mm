# Many machines in one shell. boot --name makes a machine (its tunables and policy selection a
# copy of the current default machine's) and makes it current; use switches; every other
# command acts on the current machine. Each machine has its own clock, memory, tunables, policy
# selection and trace buffer, so what one does changes nothing on the other: a gives Linux's
# selection, b the reservation RFC's, and each gives what it gives alone.
# Expected: the counters printed for a and b after the interleaved commands are those compare
# prints for the same workload run on each machine (a thread each), and check is ok on both.
sysfs khugepaged/scan_sleep_millisecs 100
boot --name a 256M seed=3
policy use fault thp
policy use cow pte
boot --name b 256M seed=3
policy use fault reservation
policy use cow huge
policy disable promotion khugepaged
sysfs promotion_threshold 64
machines
!use c
# The workload, one command on a, the same on b.
use a
spawn p
use b
spawn p
use a
mmap p heap 16M
use b
mmap p heap 16M
use a
touch p heap 0 8M
use b
touch p heap 0 8M
use a
fork p child
use b
fork p child
use a
touch child heap 0 4K
use b
touch child heap 0 4K
use a
madvise p heap 0 16M hugepage
use b
madvise p heap 0 16M hugepage
use a
touch p heap 8M 8M
use b
touch p heap 8M 8M
use a
tick 1s
use b
tick 1s
use a
touch child heap 2M 4K
use b
touch child heap 2M 4K
echo machine a
use a
sysfs promotion_threshold
vmstat thp_
vmstat nr_anon
smaps p heap
check
echo machine b
use b
sysfs promotion_threshold
vmstat thp_
vmstat nr_anon
smaps p heap
check
# The same workload again, on both machines at once, its counters side by side.
compare a,b machines-workload.mm thp_ nr_anon
# Without a prefix: only the counters that differ.
compare a,b machines-workload.mm
machines
echo the default machine was never booted
use default
!vmstat
