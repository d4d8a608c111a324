# The RFC fork experiment (docs/experiments/rfc-fork.md): res256-lru-random
policy use fault reservation
policy use reclaim lru-shrinker
sysfs promotion_threshold 256
run rfc-fork size=256G chunk=16G pattern=random seed=1
