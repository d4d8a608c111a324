# The redis-snapshot experiment (docs/experiments/redis-snapshot.md): cow huge
sysfs enabled always
policy use cow huge
run redis-snapshot
