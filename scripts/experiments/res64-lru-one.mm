# The RFC fork experiment (docs/experiments/rfc-fork.md): res64-lru-one
policy use fault reservation
policy use reclaim lru-shrinker
sysfs promotion_threshold 64
run rfc-fork size=256G chunk=16G pattern=one seed=1
