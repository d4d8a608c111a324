# The short-lived experiment (docs/experiments/short-lived.md): THPs at the fault
sysfs enabled always
run short-lived
