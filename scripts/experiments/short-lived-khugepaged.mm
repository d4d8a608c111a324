# The short-lived experiment (docs/experiments/short-lived.md): base pages at the fault, khugepaged at its defaults
sysfs enabled always
policy use fault base
run short-lived
