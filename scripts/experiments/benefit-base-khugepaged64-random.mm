# The RFC fork experiment's benefit side (docs/experiments/rfc-fork.md): base-khugepaged64, each child then makes 1 M uniform loads over its chunk
policy use fault base
sysfs khugepaged/max_ptes_none 64
run rfc-fork size=16G chunk=1G pattern=random seed=1 accesses=1000000
