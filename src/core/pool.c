/* pool.c — slabs and a free list. */
#include "core/pool.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

enum { POOL_SLAB_BYTES = 64 * 1024 };

struct pool_slab {
    struct pool_slab *next;
};

struct pool_free_obj {
    struct pool_free_obj *next;
};

struct pool {
    size_t obj_size;
    size_t cap_bytes;
    size_t per_slab;
    struct pool_slab *slabs;
    struct pool_free_obj *free_list;
    struct pool_stats stats;
};

/* Each slab starts with its link, padded so objects stay max-aligned. */
static size_t pool_slab_header(void)
{
    size_t a = alignof(max_align_t);
    return (sizeof(struct pool_slab) + a - 1) / a * a;
}

struct pool *pool_new(size_t obj_size, size_t cap_bytes)
{
    size_t a = alignof(max_align_t);
    if (obj_size == 0 || obj_size > POOL_SLAB_BYTES / 4)
        return NULL;
    if (obj_size < sizeof(struct pool_free_obj))
        obj_size = sizeof(struct pool_free_obj);
    obj_size = (obj_size + a - 1) / a * a;
    struct pool *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->obj_size = obj_size;
    p->cap_bytes = cap_bytes;
    p->per_slab = (POOL_SLAB_BYTES - pool_slab_header()) / obj_size;
    return p;
}

void pool_free(struct pool *p)
{
    if (!p)
        return;
    while (p->slabs) {
        struct pool_slab *next = p->slabs->next;
        free(p->slabs);
        p->slabs = next;
    }
    free(p);
}

static int pool_grow(struct pool *p)
{
    if (p->stats.bytes + POOL_SLAB_BYTES > p->cap_bytes)
        return -1;
    struct pool_slab *s = malloc(POOL_SLAB_BYTES);
    if (!s)
        return -1;
    s->next = p->slabs;
    p->slabs = s;
    p->stats.bytes += POOL_SLAB_BYTES;
    char *base = (char *)s + pool_slab_header();
    /* Thread the new objects onto the free list, first object on top. */
    for (size_t i = p->per_slab; i-- > 0;) {
        struct pool_free_obj *o = (struct pool_free_obj *)(void *)(base + i * p->obj_size);
        o->next = p->free_list;
        p->free_list = o;
    }
    return 0;
}

void *pool_get(struct pool *p)
{
    if (!p->free_list && pool_grow(p) != 0) {
        p->stats.exhausted++;
        return NULL;
    }
    struct pool_free_obj *o = p->free_list;
    p->free_list = o->next;
    memset(o, 0, p->obj_size);
    if (++p->stats.in_use > p->stats.in_use_max)
        p->stats.in_use_max = p->stats.in_use;
    return o;
}

void pool_put(struct pool *p, void *obj)
{
    if (!obj)
        return;
    struct pool_free_obj *o = obj;
    o->next = p->free_list;
    p->free_list = o;
    p->stats.in_use--;
}

const struct pool_stats *pool_stats(const struct pool *p)
{
    return &p->stats;
}
