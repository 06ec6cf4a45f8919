/* pool.h — fixed-size objects under a memory cap, without malloc per object.
 *
 * Objects are carved from slabs allocated on demand (a slab at a time, so
 * an idle sensor holds little) up to a cap; freed objects go on a free list
 * and are reused first. When the cap is reached pool_get() returns NULL and
 * counts it: the caller decides what to shed. One pool per worker, no locks.
 */
#ifndef HRADBA_CORE_POOL_H
#define HRADBA_CORE_POOL_H

#include <stddef.h>
#include <stdint.h>

struct pool_stats {
    uint64_t in_use;     /* objects handed out now */
    uint64_t in_use_max; /* high-water mark */
    uint64_t bytes;      /* slab memory held */
    uint64_t exhausted;  /* pool_get() calls refused by the cap */
};

struct pool;

/* obj_size bytes per object (rounded up for alignment); at most cap_bytes of
 * slabs. Returns NULL on bad sizes or allocation failure. */
struct pool *pool_new(size_t obj_size, size_t cap_bytes);
/* Frees every slab; objects still handed out become invalid. */
void pool_free(struct pool *p);

/* A zeroed object, or NULL when the cap is reached. */
void *pool_get(struct pool *p);
/* Returns an object to the pool; NULL is a no-op. */
void pool_put(struct pool *p, void *obj);

const struct pool_stats *pool_stats(const struct pool *p);

#endif
