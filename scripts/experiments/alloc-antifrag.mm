# The alloc-antifrag experiment (docs/experiments/alloc-antifrag.md): sparse-heap under the buddy's
# placement and under fullest-pageblock-first placement, next-fit and first-fit heaps, THPs at fault.
sysfs enabled always
policy use allocation buddy
run sparse-heap size=1G heap=768M cycles=4 sleep=1000 placement=next
vmstat thp_fault
vmstat compact_
pagetypeinfo
policy use allocation antifrag
run sparse-heap size=1G heap=768M cycles=4 sleep=1000 placement=next
vmstat thp_fault
vmstat compact_
pagetypeinfo
policy use allocation buddy
run sparse-heap size=1G heap=768M cycles=4 sleep=1000
vmstat thp_fault
vmstat compact_
pagetypeinfo
policy use allocation antifrag
run sparse-heap size=1G heap=768M cycles=4 sleep=1000
vmstat thp_fault
vmstat compact_
pagetypeinfo
