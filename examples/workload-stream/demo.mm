# The third-party STREAM workload (examples/workload-stream), dropped into deploy/: run lists it.
run
# THPs at the fault: one dTLB miss per 2 MiB of each array.
sysfs enabled always
run stream array=64M ntimes=4
# Base pages: one miss per 4 KiB page; the simulated rate drops.
sysfs enabled never
run stream array=64M ntimes=4
