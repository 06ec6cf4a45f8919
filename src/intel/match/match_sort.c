/* match_sort.c — sorting for the matcher build: an LSD radix sort of
 * builder records by their 64-bit hash (8 passes of 8 bits, each stable), and
 * a small sort of one value's refs. Records sorted by hash reach their home
 * slots in order, so filling a table walks memory forward.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intel/match/match_layout.h"

int match_sort_recs(struct match_rec *recs, size_t n)
{
    if (n < 2)
        return 0;
    struct match_rec *tmp = malloc(n * sizeof(*tmp));
    if (!tmp)
        return -ENOMEM;
    size_t(*counts)[256] = calloc(8, sizeof(*counts));
    if (!counts) {
        free(tmp);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t h = recs[i].h;
        for (unsigned d = 0; d < 8; d++)
            counts[d][(h >> (8 * d)) & 0xff]++;
    }
    struct match_rec *from = recs, *to = tmp;
    for (unsigned d = 0; d < 8; d++) {
        size_t *c = counts[d];
        if (c[(from[0].h >> (8 * d)) & 0xff] == n)
            continue; /* every record has this digit: the pass changes nothing */
        size_t sum = 0;
        for (unsigned k = 0; k < 256; k++) {
            size_t v = c[k];
            c[k] = sum;
            sum += v;
        }
        for (size_t i = 0; i < n; i++)
            to[c[(from[i].h >> (8 * d)) & 0xff]++] = from[i];
        struct match_rec *t = from;
        from = to;
        to = t;
    }
    if (from != recs)
        memcpy(recs, from, n * sizeof(*recs));
    free(counts);
    free(tmp);
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

size_t match_sort_refs(uint32_t *refs, size_t n)
{
    if (n < 2)
        return n;
    if (n == 2) {
        if (refs[0] > refs[1]) {
            uint32_t t = refs[0];
            refs[0] = refs[1];
            refs[1] = t;
        }
    } else {
        qsort(refs, n, sizeof(*refs), cmp_u32);
    }
    size_t out = 1;
    for (size_t i = 1; i < n; i++)
        if (refs[i] != refs[out - 1])
            refs[out++] = refs[i];
    return out;
}
