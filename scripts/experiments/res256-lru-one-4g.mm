# The RFC fork experiment (docs/experiments/rfc-fork.md): res256-lru-one at 1/64 scale (4 GiB machine, 256 MiB chunks)
policy use fault reservation
policy use reclaim lru-shrinker
sysfs promotion_threshold 256
run rfc-fork size=4G chunk=256M pattern=one seed=1
