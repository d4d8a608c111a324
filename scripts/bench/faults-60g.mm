# Base-page fault benchmark (docs/benchmarks.md): 60 GiB of a 64 GiB machine written with
# enabled=never: 15,728,640 faults. Run with THPLAB_JAVA_OPTS=-Dthplab.timing=true to see each
# command's wall time on stderr; stat jvm reports the heap per simulated frame.
boot 64G
stat jvm
sysfs enabled never
spawn bench
mmap bench heap 60G
touch bench heap 0 60G write
vmstat pgfault
stat jvm
