# Three processes with THP and base-page regions, then exits.
boot 1G
sysfs enabled always
spawn a
spawn b
spawn c
mmap a r 8M
mmap b r 8M
mmap c r 8M
madvise c r 0 8M nohugepage
touch a r 0 8M
touch b r 0 4M read
touch c r 0 8M
exit b
smaps a r
smaps c r
verify a r
verify c r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
