# hot-regions (docs/workloads.md): a 128 MiB heap in 8 regions of 16 MiB, the hot one moving
# every 500 ms; base pages at the fault. khugepaged scans in address order (4096 pages every
# 10 s): the hot regions stay base pages. promote-damon samples each 2 MiB range every 5 ms and
# collapses those accessed in at least 5 of the 20 samples of an aggregation (100 ms).
policy use fault base
run hot-regions heap=128M hot=16M phases=3 phase=500 batch=10000
policy use promotion -khugepaged
policy use promotion +damon
run hot-regions heap=128M hot=16M phases=3 phase=500 batch=10000
policy use promotion -damon
policy use promotion +khugepaged
!run hot-regions hot=48M
