# The RFC fork experiment (docs/experiments/rfc-fork.md): res256-dropall-one at 1/64 scale (4 GiB machine, 256 MiB chunks)
policy use fault reservation
policy use reclaim drop-all
run rfc-fork size=4G chunk=256M pattern=one seed=1
