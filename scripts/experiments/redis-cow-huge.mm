# The redis-snapshot experiment (docs/experiments/redis-snapshot.md): cow huge, the heap MADV_HUGEPAGE
sysfs enabled always
policy use cow huge
run redis-snapshot hugepage=1
