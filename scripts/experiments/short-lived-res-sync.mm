# The short-lived experiment (docs/experiments/short-lived.md): reservations, promoted at the fault at threshold 256
sysfs enabled always
policy use fault reservation
policy disable reservation
policy enable reservation-at-fault
sysfs promotion_threshold 256
run short-lived
