# Chart of docs/experiments/alloc-antifrag.md: the whole next-fit run of the page, `run sparse-heap
# size=1G heap=768M cycles=4 sleep=1000 placement=next` with THPs at the fault, recorded every 10 ms
# through the run's boot, under the buddy's placement and then under fullest-pageblock-first
# (its recording is byte for byte the buddy's, so only the buddy's is drawn).
sysfs enabled always
policy use allocation buddy
boot 1G seed=0
record start interval=10ms counters=thp_fault_,nr_anon,nr_free_pages
run sparse-heap size=1G heap=768M cycles=4 sleep=1000 placement=next
record stop
record save ../../docs/experiments/data/alloc-antifrag-buddy.csv
plot ../../docs/experiments/data/alloc-antifrag-buddy.csv thp ../../docs/experiments/alloc-antifrag-buddy-thp.svg
plot ../../docs/experiments/data/alloc-antifrag-buddy.csv counters=thp_fault_alloc,thp_fault_fallback ../../docs/experiments/alloc-antifrag-buddy-faults.svg
policy use allocation antifrag
boot 1G seed=0
record start interval=10ms counters=thp_fault_,nr_anon,nr_free_pages
run sparse-heap size=1G heap=768M cycles=4 sleep=1000 placement=next
record stop
record save ../../docs/experiments/data/alloc-antifrag-antifrag.csv
