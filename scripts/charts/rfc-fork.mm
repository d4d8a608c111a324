# Chart of docs/experiments/rfc-fork.md. This replays the RFC's test with shell commands (written
# before a recording went on through the boot of a workload's run) on a 16 GiB machine: a parent forks 14 children
# one after another, each maps a 1 GiB chunk and writes the first page of every 2 MiB region
# (pattern one) and stays alive; THPs at the fault, then reservations (promotion_threshold 256).
boot 16G seed=1
spawn parent
record start interval=1ms
include rfc-fork-steps.mm
record save ../../docs/experiments/data/rfc-fork-thp-one.csv
plot ../../docs/experiments/data/rfc-fork-thp-one.csv memory ../../docs/experiments/rfc-fork-thp-one-memory.svg
boot 16G seed=1
policy use fault reservation
sysfs promotion_threshold 256
spawn parent
record start interval=100us
include rfc-fork-steps.mm
record save ../../docs/experiments/data/rfc-fork-res256-one.csv
plot ../../docs/experiments/data/rfc-fork-res256-one.csv memory ../../docs/experiments/rfc-fork-res256-one-memory.svg
