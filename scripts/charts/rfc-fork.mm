# Chart of docs/experiments/rfc-fork.md. This replays the RFC's test with shell commands (written
# before a recording went on through the boot of a workload's run) on a 16 GiB machine: a parent forks 14 children
# one after another, each maps a 1 GiB chunk and writes the first page of every 2 MiB region
# (pattern one) and stays alive; THPs at the fault, then reservations (promotion_threshold 256).
boot 16G seed=1
spawn parent
record start interval=1ms
fork parent c1
mmap c1 chunk 1G
access c1 chunk stride=2M 512 write
tick 5ms
fork parent c2
mmap c2 chunk 1G
access c2 chunk stride=2M 512 write
tick 5ms
fork parent c3
mmap c3 chunk 1G
access c3 chunk stride=2M 512 write
tick 5ms
fork parent c4
mmap c4 chunk 1G
access c4 chunk stride=2M 512 write
tick 5ms
fork parent c5
mmap c5 chunk 1G
access c5 chunk stride=2M 512 write
tick 5ms
fork parent c6
mmap c6 chunk 1G
access c6 chunk stride=2M 512 write
tick 5ms
fork parent c7
mmap c7 chunk 1G
access c7 chunk stride=2M 512 write
tick 5ms
fork parent c8
mmap c8 chunk 1G
access c8 chunk stride=2M 512 write
tick 5ms
fork parent c9
mmap c9 chunk 1G
access c9 chunk stride=2M 512 write
tick 5ms
fork parent c10
mmap c10 chunk 1G
access c10 chunk stride=2M 512 write
tick 5ms
fork parent c11
mmap c11 chunk 1G
access c11 chunk stride=2M 512 write
tick 5ms
fork parent c12
mmap c12 chunk 1G
access c12 chunk stride=2M 512 write
tick 5ms
fork parent c13
mmap c13 chunk 1G
access c13 chunk stride=2M 512 write
tick 5ms
fork parent c14
mmap c14 chunk 1G
access c14 chunk stride=2M 512 write
tick 5ms
record stop
record save ../../docs/experiments/data/rfc-fork-thp-one.csv
plot ../../docs/experiments/data/rfc-fork-thp-one.csv memory ../../docs/experiments/rfc-fork-thp-one-memory.svg
boot 16G seed=1
policy use fault reservation
sysfs promotion_threshold 256
spawn parent
record start interval=100us
fork parent c1
mmap c1 chunk 1G
access c1 chunk stride=2M 512 write
tick 5ms
fork parent c2
mmap c2 chunk 1G
access c2 chunk stride=2M 512 write
tick 5ms
fork parent c3
mmap c3 chunk 1G
access c3 chunk stride=2M 512 write
tick 5ms
fork parent c4
mmap c4 chunk 1G
access c4 chunk stride=2M 512 write
tick 5ms
fork parent c5
mmap c5 chunk 1G
access c5 chunk stride=2M 512 write
tick 5ms
fork parent c6
mmap c6 chunk 1G
access c6 chunk stride=2M 512 write
tick 5ms
fork parent c7
mmap c7 chunk 1G
access c7 chunk stride=2M 512 write
tick 5ms
fork parent c8
mmap c8 chunk 1G
access c8 chunk stride=2M 512 write
tick 5ms
fork parent c9
mmap c9 chunk 1G
access c9 chunk stride=2M 512 write
tick 5ms
fork parent c10
mmap c10 chunk 1G
access c10 chunk stride=2M 512 write
tick 5ms
fork parent c11
mmap c11 chunk 1G
access c11 chunk stride=2M 512 write
tick 5ms
fork parent c12
mmap c12 chunk 1G
access c12 chunk stride=2M 512 write
tick 5ms
fork parent c13
mmap c13 chunk 1G
access c13 chunk stride=2M 512 write
tick 5ms
fork parent c14
mmap c14 chunk 1G
access c14 chunk stride=2M 512 write
tick 5ms
record stop
record save ../../docs/experiments/data/rfc-fork-res256-one.csv
plot ../../docs/experiments/data/rfc-fork-res256-one.csv memory ../../docs/experiments/rfc-fork-res256-one-memory.svg
