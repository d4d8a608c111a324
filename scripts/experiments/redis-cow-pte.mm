# The redis-snapshot experiment (docs/experiments/redis-snapshot.md): cow pte
sysfs enabled always
policy use cow pte
run redis-snapshot
