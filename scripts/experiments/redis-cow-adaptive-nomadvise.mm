# The redis-snapshot experiment (docs/experiments/redis-snapshot.md): cow adaptive, the heap without MADV_HUGEPAGE
sysfs enabled always
policy use cow adaptive
run redis-snapshot
