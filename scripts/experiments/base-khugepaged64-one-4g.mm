# The RFC fork experiment (docs/experiments/rfc-fork.md): base-khugepaged64-one at 1/64 scale (4 GiB machine, 256 MiB chunks)
policy use fault base
sysfs khugepaged/max_ptes_none 64
run rfc-fork size=4G chunk=256M pattern=one seed=1
