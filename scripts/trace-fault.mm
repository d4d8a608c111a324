# The fault path's tracepoints (docs/architecture.md): exceptions:page_fault_user for every
# counted fault, thplab_thp_fault for what a PMD-sized fault got. They are a group of their own,
# off unless selected, since they fire once per fault.
boot 64M
events
events fault
trace on
spawn p
mmap p a 4M
# enabled=always: a THP at the first write, then 511 writes that hit its PMD without faulting
touch p a 0 8K write
# a read of the second 2 MiB maps the huge zero page
touch p a 2M 4K read
# writing it: cow-pte replaces the zero PMD by a new THP (do_huge_zero_wp_pmd(), since 6.13)
touch p a 2M 4K write
sysfs enabled never
mmap p b 2M
# base pages: one fault each, and no PMD-sized fault
touch p b 0 8K write
trace dump
!events bogus
events all
events
trace off
check
