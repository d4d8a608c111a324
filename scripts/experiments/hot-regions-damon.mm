# The hot-regions experiment (docs/experiments/hot-regions.md): base pages at the fault, promote-damon in place of khugepaged
policy use fault base
policy disable khugepaged
policy enable damon
run hot-regions
