# MADV_PAGEOUT reclaims the range to swap at once (madvise_cold_or_pageout_pte_range() with
# pageout); a later access swaps the page back in (do_swap_page(): pgmajfault, pswpin). A THP
# the range covers whole is swapped out whole (THP_SWAP: thp_swpout, 512 pswpout) after its
# PMD is split into swap PTEs; it comes back as base pages.
boot 1G swap=256M
sysfs enabled never
spawn p
mmap p base 2M
touch p base 0 2M write
madvise p base 0 1M pageout
smaps p base
vmstat pswp
touch p base 0 1M read
smaps p base
vmstat pswp
vmstat pgmajfault
verify p base
sysfs enabled always
mmap p huge 2M
touch p huge 0 2M write
madvise p huge 0 2M pageout
smaps p huge
vmstat thp_swpout
vmstat pswpout
touch p huge 0 4K write
smaps p huge
verify p huge
check
# Without a swap device MADV_PAGEOUT cannot swap: it splits the THP (thp_swpout_fallback) and
# keeps its pages (Linux 6.18: AnonHugePages 0, Rss 2048 kB; scripts/pageout-noswap.mm).
boot 1G
spawn q
mmap q a 2M
touch q a 0 2M write
madvise q a 0 2M pageout
smaps q a
check
