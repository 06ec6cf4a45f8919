/* match_filter.c — the blocked Bloom filters in front of the matcher's hash
 * tables (layout and probe in match_layout.h).
 *
 * Sized at MATCH_FILTER_BITS bits per key, rounded up to whole 64-byte lines;
 * the line count need not be a power of two (lines are picked by scaling the
 * hash, not masking it). Not a counting filter: it is built once and read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intel/match/match_layout.h"

int match_filter_init(struct match_filter *f, uint64_t keys)
{
    memset(f, 0, sizeof(*f));
    if (keys == 0)
        return 0;
    uint64_t bits_per_line = 8 * sizeof(*f->lines);
    uint64_t lines = (keys * MATCH_FILTER_BITS + bits_per_line - 1) / bits_per_line;
    f->lines = match_mem_alloc(lines * sizeof(*f->lines));
    if (!f->lines)
        return -ENOMEM;
    memset(f->lines, 0, lines * sizeof(*f->lines));
    f->line_count = lines;
    return 0;
}

void match_filter_fini(struct match_filter *f)
{
    free(f->lines);
    memset(f, 0, sizeof(*f));
}
