# munmap of a whole THP: zap_huge_pmd(), no split, nothing counted.
boot 1G
sysfs enabled always
spawn p
mmap p r 4M
touch p r 0 4M
munmap p r 0 2M
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
