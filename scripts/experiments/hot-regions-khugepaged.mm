# The hot-regions experiment (docs/experiments/hot-regions.md): base pages at the fault, khugepaged at its defaults
policy use fault base
run hot-regions
