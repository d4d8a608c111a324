# The utilization promoter (examples/promote-utilization), deployed from deploy/: three 2 MiB
# ranges written in full are collapsed, one written only at 10% is left alone.
# Run: cp examples/promote-utilization/target/promote-utilization-1.0.0.jar deploy/
#      ./thplab examples/promote-utilization/demo.mm
boot 1G
sysfs enabled madvise
spawn app
mmap app full 6M
mmap app sparse 2M
# Written before MADV_HUGEPAGE: with enabled=madvise the faults map base pages only.
touch app full 0 6M write
touch app sparse 0 208K write
madvise app full 0 6M hugepage
madvise app sparse 0 2M hugepage
# khugepaged would collapse the sparse range too (max_ptes_none is 511; it wakes every
# khugepaged/scan_sleep_millisecs, 10 s by default): turn it off to see this promoter alone.
policy disable promotion khugepaged
policy enable promotion utilization
policy
tick 200ms
smaps app
vmstat thp_collapse_alloc
sysfs khugepaged/pages_collapsed
check
verify app full
verify app sparse
