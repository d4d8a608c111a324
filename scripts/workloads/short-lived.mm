# short-lived (docs/workloads.md): eight processes of 8-32 MiB, two at a time, each living
# about 20 ms of CPU time. Kirill Shutemov's point: khugepaged (scan_sleep_millisecs 10000)
# never sees them, so base pages at the fault stay base pages; THPs at the fault cover them.
policy use fault base
run short-lived size=1G procs=8 jobs=2 min=8M max=32M lifetime=20 slice=5000
policy use fault thp
sysfs enabled always
run short-lived size=1G procs=8 jobs=2 min=8M max=32M lifetime=20 slice=5000
!run short-lived jobs=0
