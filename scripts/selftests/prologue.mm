# The setup every anonymous case of tools/testing/selftests/mm/khugepaged.c starts from, included
# by each scripts/selftests/*.mm but alloc_at_fault.mm (not a scenario of its own): the
# selftest's default settings, then alloc_at_fault(), which runs first in the selftest: its THP
# fault registers the process with khugepaged (do_huge_pmd_anonymous_page() ->
# khugepaged_enter_vma()) for every later case.
include default-settings.mm
sysfs enabled always
mmap test f 2M
touch test f 0 4K write
munmap test f
sysfs enabled madvise
