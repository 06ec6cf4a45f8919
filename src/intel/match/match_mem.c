/* match_mem.c — allocation of the matcher's large read-only arrays.
 *
 * Every array starts on a cache line, so a pre-filter line or a table bucket
 * costs one line fill. Arrays of 2 MiB and more are 2 MiB-aligned and advised
 * for transparent huge pages: a lookup touches a few random cache lines of
 * hundreds of megabytes, and with 4 KiB pages each of them also misses the TLB.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "intel/match/match_layout.h"

#define HUGE_PAGE ((size_t)2 << 20)
#define LINE ((size_t)64)

void *match_mem_alloc(size_t bytes)
{
    void *p = NULL;
    if (bytes < HUGE_PAGE) {
        size_t rounded = bytes ? (bytes + LINE - 1) & ~(LINE - 1) : LINE;
        return posix_memalign(&p, LINE, rounded) == 0 ? p : NULL;
    }
    size_t rounded = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    if (posix_memalign(&p, HUGE_PAGE, rounded) != 0)
        return NULL;
    (void)madvise(p, rounded, MADV_HUGEPAGE); /* advice only: may be refused */
    return p;
}
