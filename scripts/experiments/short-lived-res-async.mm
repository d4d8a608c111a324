# The short-lived experiment (docs/experiments/short-lived.md): reservations, promoted asynchronously at threshold 256
sysfs enabled always
policy use fault reservation
sysfs promotion_threshold 256
run short-lived
