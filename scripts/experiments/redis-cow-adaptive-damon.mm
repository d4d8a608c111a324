# The redis-snapshot experiment (docs/experiments/redis-snapshot.md): cow adaptive, the heap MADV_HUGEPAGE, promote-damon
# enabled so that something clears the accessed bits (every 5 ms, one sampled page per 2 MiB: for a THP, its PMD's bit)
sysfs enabled always
policy use cow adaptive
policy enable damon
run redis-snapshot hugepage=1
