# Direct compaction for a THP fault (__alloc_pages_direct_compact() -> compact_zone()).
# Two processes write their base pages in alternating 1 MiB steps, so every pageblock holds half
# of each; when one exits, every pageblock is half free and no free 2 MiB block is left.
# With defrag=always a THP fault then stalls in compaction: the pages of one pageblock migrate
# elsewhere (pgmigrate_success), the block is captured for the THP, and their content is kept.
boot 32M
sysfs enabled never
spawn a
spawn b
mmap a x 14M
mmap b x 14M
touch a x 0M 1M write
touch b x 0M 1M write
touch a x 1M 1M write
touch b x 1M 1M write
touch a x 2M 1M write
touch b x 2M 1M write
touch a x 3M 1M write
touch b x 3M 1M write
touch a x 4M 1M write
touch b x 4M 1M write
touch a x 5M 1M write
touch b x 5M 1M write
touch a x 6M 1M write
touch b x 6M 1M write
touch a x 7M 1M write
touch b x 7M 1M write
touch a x 8M 1M write
touch b x 8M 1M write
touch a x 9M 1M write
touch b x 9M 1M write
touch a x 10M 1M write
touch b x 10M 1M write
touch a x 11M 1M write
touch b x 11M 1M write
touch a x 12M 1M write
touch b x 12M 1M write
touch a x 13M 1M write
touch b x 13M 1M write
exit b
pagetypeinfo
sysfs enabled always
sysfs defrag always
trace on
spawn c
mmap c y 2M
touch c y 0 2M write
trace dump
smaps c y
vmstat compact
vmstat pgmigrate
vmstat thp_fault
verify a x
verify c y
check
# With defrag=never the same fault takes no pains: thp_fault_fallback, base pages.
sysfs defrag never
mmap c z 2M
touch c z 0 2M write
vmstat thp_fault
vmstat compact_stall
check
