/* tcp_seg_pool.h — fixed-size chunks holding out-of-order TCP bytes.
 *
 * Private to src/stream/. Every held segment is one 2 KiB chunk (a longer
 * out-of-order segment is split over several); chunks come from slabs
 * allocated lazily, never beyond the memory cap, and are recycled through a
 * free list, so steady-state reassembly does not call malloc. Also the small
 * list helpers for a direction's held segments. Not thread-safe.
 */
#ifndef HRADBA_STREAM_TCP_SEG_POOL_H
#define HRADBA_STREAM_TCP_SEG_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "stream/tcp_stream.h"

enum {
    TCP_SEG_CHUNK_SIZE = 2048, /* a 1460-byte MSS segment fits one chunk */
    TCP_SEG_HDR_SIZE = 16,
    TCP_SEG_DATA_MAX = TCP_SEG_CHUNK_SIZE - TCP_SEG_HDR_SIZE,
    TCP_SEG_SLAB_CHUNKS = 32, /* 64 KiB per slab: few mallocs, little slack */
};

/* One held run of bytes [seq, seq + len). The list is circular and the
 * direction points at its tail, so both ends are O(1) (see tcp_seg_first). */
struct tcp_seg {
    struct tcp_seg *next;
    uint32_t seq;
    uint16_t len;
    uint16_t pad;
    uint8_t data[TCP_SEG_DATA_MAX];
};

struct tcp_seg_slab;

struct tcp_seg_pool {
    struct tcp_seg *free;       /* recycled chunks, linked through next */
    struct tcp_seg_slab *slabs; /* every slab, freed by tcp_seg_pool_fini */
    size_t chunk_cap;           /* chunks the memory cap allows */
    size_t chunks_reserved;     /* chunks carved from slabs so far */
    size_t chunks_used;         /* chunks handed out now */
    size_t chunks_used_max;
};

void tcp_seg_pool_init(struct tcp_seg_pool *sp, size_t memcap);
/* Frees every slab; chunks still handed out become invalid. */
void tcp_seg_pool_fini(struct tcp_seg_pool *sp);
/* A chunk, or NULL when the cap is reached (or a slab allocation failed). */
struct tcp_seg *tcp_seg_pool_get(struct tcp_seg_pool *sp);
/* Returns a chunk; NULL is a no-op. */
void tcp_seg_pool_put(struct tcp_seg_pool *sp, struct tcp_seg *seg);
/* Chunks that tcp_seg_pool_get can still hand out (barring malloc failure). */
static inline size_t tcp_seg_pool_avail(const struct tcp_seg_pool *sp)
{
    return sp->chunk_cap - sp->chunks_used;
}

_Static_assert(sizeof(struct tcp_seg) == TCP_SEG_CHUNK_SIZE, "tcp_seg is one chunk");

/* --- the held list of one direction: circular, d->segs is the tail --- */

static inline struct tcp_seg *tcp_seg_first(const struct tcp_stream_dir *d)
{
    return d->segs ? d->segs->next : NULL;
}

/* The segment after seg, or NULL after the tail. */
static inline struct tcp_seg *tcp_seg_next(const struct tcp_stream_dir *d,
                                           const struct tcp_seg *seg)
{
    return seg == d->segs ? NULL : seg->next;
}

static inline uint32_t tcp_seg_end(const struct tcp_seg *seg)
{
    return seg->seq + seg->len;
}

/* Links seg after prev, or first when prev is NULL. */
static inline void tcp_seg_link_after(struct tcp_stream_dir *d, struct tcp_seg *prev,
                                      struct tcp_seg *seg)
{
    if (!d->segs) {
        seg->next = seg;
        d->segs = seg;
    } else if (!prev) {
        seg->next = d->segs->next;
        d->segs->next = seg;
    } else {
        seg->next = prev->next;
        prev->next = seg;
        if (prev == d->segs)
            d->segs = seg;
    }
    d->nsegs++;
    d->held += seg->len;
}

/* Unlinks and returns the first segment (the list must not be empty). */
static inline struct tcp_seg *tcp_seg_unlink_first(struct tcp_stream_dir *d)
{
    struct tcp_seg *first = d->segs->next;
    if (first == d->segs)
        d->segs = NULL;
    else
        d->segs->next = first->next;
    d->nsegs--;
    d->held -= first->len;
    return first;
}

#endif
