# Chart of docs/experiments/hot-regions.md: the whole `run hot-regions` at its defaults (a 1 GiB
# heap of 16 regions of 64 MiB, written with base pages, then four phases of 2 s each with one
# region taking 90% of the loads), recorded every 20 ms through the run's boot: under promote-damon
# with khugepaged disabled, then under khugepaged every 100 ms.
policy use fault base
policy disable khugepaged
policy enable damon
boot 1G seed=0
record start interval=20ms counters=thp_collapse_alloc,nr_anon
run hot-regions
record stop
record save ../../docs/experiments/data/hot-regions-damon.csv
plot ../../docs/experiments/data/hot-regions-damon.csv thp ../../docs/experiments/hot-regions-damon-thp.svg
policy disable damon
policy enable khugepaged
sysfs khugepaged/scan_sleep_millisecs 100
boot 1G seed=0
record start interval=20ms counters=thp_collapse_alloc,nr_anon
run hot-regions
record stop
record save ../../docs/experiments/data/hot-regions-khugepaged-fast.csv
plot ../../docs/experiments/data/hot-regions-khugepaged-fast.csv thp ../../docs/experiments/hot-regions-khugepaged-fast-thp.svg
