# Chart of docs/experiments/short-lived.md. `run short-lived` boots the machine, which ends a
# recording, so this replays a smaller version of it with shell commands: 16 processes one after
# another, heaps of 16 to 256 MiB, each making 2.5M Zipf(0.8) writes and exiting; THPs at the fault
# (the defaults with enabled=always), then base pages with khugepaged at its defaults (a wake every
# 10 s).
boot 8G seed=0
sysfs enabled always
include short-lived-steps.mm
record save ../../docs/experiments/data/short-lived-thp.csv
plot ../../docs/experiments/data/short-lived-thp.csv thp ../../docs/experiments/short-lived-thp-thp.svg
boot 8G seed=0
sysfs enabled always
policy use fault base
include short-lived-steps.mm
record save ../../docs/experiments/data/short-lived-khugepaged.csv
plot ../../docs/experiments/data/short-lived-khugepaged.csv thp ../../docs/experiments/short-lived-khugepaged-thp.svg
