/* match_mem.c — allocation of the matcher's large read-only arrays.
 *
 * Arrays of 2 MiB and more are 2 MiB-aligned and advised for transparent
 * huge pages: a lookup touches a few random cache lines of hundreds of
 * megabytes, and with 4 KiB pages each of them also misses the TLB.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "intel/match/match_layout.h"

#define HUGE_PAGE ((size_t)2 << 20)

void *match_mem_alloc(size_t bytes)
{
    if (bytes < HUGE_PAGE)
        return malloc(bytes ? bytes : 1);
    size_t rounded = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, rounded) != 0)
        return NULL;
    (void)madvise(p, rounded, MADV_HUGEPAGE); /* advice only: may be refused */
    return p;
}
