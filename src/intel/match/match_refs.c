/* match_refs.c — the pool of ref lists for values that carry several
 * indicator refs (or one ref with bit 31 set): {count, refs...} runs of
 * 32-bit words, addressed by offset from a value's refw.
 */
#include <stdlib.h>

#include "intel/match/match_layout.h"

uint32_t match_pool_add(struct match_pool *p, const uint32_t *refs, size_t n)
{
    if (n == 1 && !(refs[0] & MATCH_REFW_POOL))
        return refs[0];
    if (n + 1 > MATCH_POOL_MAX - p->len)
        return MATCH_EMPTY;
    if (p->len + n + 1 > p->cap) {
        uint64_t cap = p->cap ? p->cap * 2 : 1024;
        while (cap < p->len + n + 1)
            cap *= 2;
        uint32_t *w = realloc(p->words, cap * sizeof(*w));
        if (!w)
            return MATCH_EMPTY;
        p->words = w;
        p->cap = cap;
    }
    uint32_t off = (uint32_t)p->len;
    p->words[p->len++] = (uint32_t)n;
    for (size_t i = 0; i < n; i++)
        p->words[p->len++] = refs[i];
    return MATCH_REFW_POOL | off;
}

void match_pool_fini(struct match_pool *p)
{
    free(p->words);
    p->words = NULL;
    p->len = p->cap = 0;
}
