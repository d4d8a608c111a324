# The redis-snapshot experiment (docs/experiments/redis-snapshot.md): cow pte, the heap MADV_HUGEPAGE
sysfs enabled always
policy use cow pte
run redis-snapshot hugepage=1
