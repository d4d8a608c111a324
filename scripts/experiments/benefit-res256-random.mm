# The RFC fork experiment's benefit side (docs/experiments/rfc-fork.md): res256, each child then makes 1 M uniform loads over its chunk
policy use fault reservation
policy use reclaim lru-shrinker
sysfs promotion_threshold 256
run rfc-fork size=16G chunk=1G pattern=random seed=1 accesses=1000000
