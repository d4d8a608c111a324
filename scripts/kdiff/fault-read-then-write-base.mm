# enabled=never: a read maps the 4 KiB zero page, the write then copies (wp_page_copy()).
boot 1G
sysfs enabled never
spawn p
mmap p r 2M
touch p r 0 2M read
smaps p r
touch p r 0 2M write
smaps p r
verify p r
vmstat thp_
vmstat nr_anon_transparent_hugepages
check
