# The RFC fork experiment (docs/experiments/rfc-fork.md): base-khugepaged64-one
policy use fault base
sysfs khugepaged/max_ptes_none 64
run rfc-fork size=256G chunk=16G pattern=one seed=1
