# thp_res_alloc_failed: when no aligned order-9 block can be had, the fault falls back to a base
# page without a reservation.
boot 64M
sysfs enabled always
sysfs defrag never
policy use fault reservation
# Two processes write base pages in alternating 1 MiB steps; when one exits every pageblock is
# half free, and with defrag=never nothing compacts.
sysfs enabled never
spawn a
spawn b
mmap a x 30M
mmap b x 30M
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
touch a x 14M 1M write
touch b x 14M 1M write
touch a x 15M 1M write
touch b x 15M 1M write
touch a x 16M 1M write
touch b x 16M 1M write
touch a x 17M 1M write
touch b x 17M 1M write
touch a x 18M 1M write
touch b x 18M 1M write
touch a x 19M 1M write
touch b x 19M 1M write
touch a x 20M 1M write
touch b x 20M 1M write
touch a x 21M 1M write
touch b x 21M 1M write
touch a x 22M 1M write
touch b x 22M 1M write
touch a x 23M 1M write
touch b x 23M 1M write
touch a x 24M 1M write
touch b x 24M 1M write
touch a x 25M 1M write
touch b x 25M 1M write
touch a x 26M 1M write
touch b x 26M 1M write
touch a x 27M 1M write
touch b x 27M 1M write
touch a x 28M 1M write
touch b x 28M 1M write
touch a x 29M 1M write
touch b x 29M 1M write
exit b
sysfs enabled always
pagetypeinfo

spawn p
mmap p a 2M
touch p a 0 4K write
vmstat thp_res
vmstat nr_thp_reserved
smaps p a
verify p a
verify a x
check
