# Issue 12's speed target: a workload of 10^8 accesses and 10^7 faults. 40 GiB of base pages
# (10,485,760 faults), then 10^8 uniform loads over them through the zen4 TLB model.
boot 64G
sysfs enabled never
spawn p
mmap p heap 40G
touch p heap 0 40G
access p heap uniform 100M
vmstat pgfault
perf stat p
