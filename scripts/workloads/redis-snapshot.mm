# redis-snapshot (docs/workloads.md): a 64 MiB dataset under Zipf writes, two BGSAVE forks.
# Andrea Arcangeli's question: 4 KiB CoW (Linux since 5.8, cow pte) against 2 MiB (cow huge).
sysfs enabled always
run redis-snapshot size=512M heap=64M snapshots=2 interval=10 batch=2000
policy use cow huge
run redis-snapshot size=512M heap=64M snapshots=2 interval=10 batch=2000
# Bad values change nothing.
!run redis-snapshot heap=3M
!run redis-snapshot theta=hot
