# Chart of docs/experiments/redis-snapshot.md. `run redis-snapshot` boots the machine, which ends a
# recording, so this replays one BGSAVE with shell commands: a 1 GiB heap, MADV_HUGEPAGE, written
# whole; the recording starts at the fork, so its fault latencies are the parent's CoW faults under
# 200k Zipf(0.99) writes while the child reads the heap; cow huge, then cow pte.
boot 4G seed=0
sysfs enabled always
policy use cow huge
spawn redis
mmap redis heap 1G
madvise redis heap 0 1G hugepage
touch redis heap 0 1G
record start interval=1ms counters=thp_fault_alloc,thp_split_pmd,nr_anon
fork redis child
access redis heap zipf=0.99 200k write
touch child heap 0 1G read
exit child
record stop
record save ../../docs/experiments/data/redis-snapshot-cow-huge.json
plot ../../docs/experiments/data/redis-snapshot-cow-huge.json latency ../../docs/experiments/redis-snapshot-cow-huge-latency.svg
boot 4G seed=0
sysfs enabled always
policy use cow pte
spawn redis
mmap redis heap 1G
madvise redis heap 0 1G hugepage
touch redis heap 0 1G
record start interval=1ms counters=thp_fault_alloc,thp_split_pmd,nr_anon
fork redis child
access redis heap zipf=0.99 200k write
touch child heap 0 1G read
exit child
record stop
record save ../../docs/experiments/data/redis-snapshot-cow-pte.json
plot ../../docs/experiments/data/redis-snapshot-cow-pte.json latency ../../docs/experiments/redis-snapshot-cow-pte-latency.svg
