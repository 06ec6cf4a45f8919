/* tcp_seg_pool.c — slab-backed free list of fixed-size segment chunks.
 *
 * Slabs of TCP_SEG_SLAB_CHUNKS chunks are allocated only when the free list
 * is empty and only while the chunks carved so far stay within the memory
 * cap; they are returned to the system when the pool is destroyed. A worker
 * therefore calls malloc at most memcap / 64 KiB times in its life.
 */
#include "stream/tcp_seg_pool.h"

#include <stdlib.h>

struct tcp_seg_slab {
    struct tcp_seg_slab *next;
    size_t count;
    struct tcp_seg chunk[]; /* count chunks */
};

void tcp_seg_pool_init(struct tcp_seg_pool *sp, size_t memcap)
{
    *sp = (struct tcp_seg_pool){.chunk_cap = memcap / sizeof(struct tcp_seg)};
}

void tcp_seg_pool_fini(struct tcp_seg_pool *sp)
{
    struct tcp_seg_slab *slab = sp->slabs;
    /* Bounded: one slab per TCP_SEG_SLAB_CHUNKS chunks of the cap. */
    while (slab) {
        struct tcp_seg_slab *next = slab->next;
        free(slab);
        slab = next;
    }
    *sp = (struct tcp_seg_pool){0};
}

/* Carves a new slab onto the free list; -1 at the cap or on malloc failure. */
static int tcp_seg_pool_grow(struct tcp_seg_pool *sp)
{
    size_t room = sp->chunk_cap - sp->chunks_reserved;
    size_t count = room < TCP_SEG_SLAB_CHUNKS ? room : TCP_SEG_SLAB_CHUNKS;
    if (count == 0)
        return -1;
    struct tcp_seg_slab *slab = malloc(sizeof(*slab) + count * sizeof(struct tcp_seg));
    if (!slab)
        return -1;
    slab->count = count;
    slab->next = sp->slabs;
    sp->slabs = slab;
    for (size_t i = count; i-- > 0;) {
        slab->chunk[i].next = sp->free;
        sp->free = &slab->chunk[i];
    }
    sp->chunks_reserved += count;
    return 0;
}

struct tcp_seg *tcp_seg_pool_get(struct tcp_seg_pool *sp)
{
    if (sp->chunks_used >= sp->chunk_cap)
        return NULL;
    if (!sp->free && tcp_seg_pool_grow(sp) != 0)
        return NULL;
    struct tcp_seg *seg = sp->free;
    sp->free = seg->next;
    seg->next = NULL;
    seg->seq = 0;
    seg->len = 0;
    sp->chunks_used++;
    if (sp->chunks_used > sp->chunks_used_max)
        sp->chunks_used_max = sp->chunks_used;
    return seg;
}

void tcp_seg_pool_put(struct tcp_seg_pool *sp, struct tcp_seg *seg)
{
    if (!seg)
        return;
    seg->next = sp->free;
    sp->free = seg;
    sp->chunks_used--;
}
