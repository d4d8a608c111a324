# Chart of docs/experiments/tlb-validation.md: random loads over a 1 GiB buffer through the zen4 preset
# with virtualized on, first mapped with base pages (MADV_NOHUGEPAGE), then with THPs (MADV_HUGEPAGE);
# the report's translation cycles grow far faster on the base-page buffer.
boot 4G seed=0
sysfs enabled madvise
mmu preset zen4
mmu virtualized 1
spawn base
mmap base buf 1G
madvise base buf 0 1G nohugepage
touch base buf 0 1G
spawn thp
mmap thp buf 1G
madvise thp buf 0 1G hugepage
touch thp buf 0 1G
record start interval=2ms counters=nr_anon
access base buf uniform 250k
access base buf uniform 250k
access base buf uniform 250k
access base buf uniform 250k
access thp buf uniform 250k
access thp buf uniform 250k
access thp buf uniform 250k
access thp buf uniform 250k
record stop
record save ../../docs/experiments/data/tlb-validation-1G.csv
plot ../../docs/experiments/data/tlb-validation-1G.csv counters=report.translation_cycles,report.translation_cycles_if_all_4k,report.translation_cycles_if_all_thp ../../docs/experiments/tlb-validation-cycles.svg
