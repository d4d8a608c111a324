# Startup baseline for faults-60g.mm: the same machine, no faults.
boot 64G
stat jvm
