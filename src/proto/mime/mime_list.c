/* mime_list.c — capped list of short byte strings (see mime_list.h).
 *
 * Duplicate checks are a linear scan: lists are capped at a few hundred
 * items, and only URL lists ask for them.
 */
#include "proto/mime/mime_list.h"

#include <stdlib.h>
#include <string.h>

void mime_list_init(struct mime_list *l, size_t max_items, size_t max_bytes, size_t item_max,
                    bool is_unique)
{
    memset(l, 0, sizeof(*l));
    l->max_items = max_items;
    l->max_bytes = max_bytes;
    l->item_max = item_max < UINT16_MAX ? item_max : UINT16_MAX;
    l->is_unique = is_unique;
}

void mime_list_fini(struct mime_list *l)
{
    free(l->items);
    free(l->pool);
    l->items = NULL;
    l->pool = NULL;
    l->count = l->items_cap = l->pool_len = l->pool_cap = 0;
}

void mime_list_clear(struct mime_list *l)
{
    l->count = 0;
    l->pool_len = 0;
    l->is_truncated = false;
    l->seen = 0;
}

/* Grows *p to hold need elements, doubling, never past max (>= need). */
static bool mime_list_grow(void **p, size_t *cap, size_t need, size_t elem, size_t first,
                           size_t max)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : first;
    while (n < need)
        n *= 2;
    if (n > max)
        n = max;
    void *np = realloc(*p, n * elem);
    if (!np)
        return false;
    *p = np;
    *cap = n;
    return true;
}

int mime_list_add(struct mime_list *l, const void *p, size_t n, uint8_t flags)
{
    if (n == 0)
        return 0;
    if (n > l->item_max)
        n = l->item_max;
    if (l->is_unique) {
        for (size_t i = 0; i < l->count; i++) {
            if (l->items[i].len == n && memcmp(l->pool + l->items[i].off, p, n) == 0) {
                l->items[i].flags |= flags;
                return 0;
            }
        }
    }
    l->seen++;
    if (l->count >= l->max_items || l->pool_len + n + 1 > l->max_bytes) {
        l->is_truncated = true;
        return -1;
    }
    if (!mime_list_grow((void **)&l->items, &l->items_cap, l->count + 1, sizeof(*l->items), 8,
                        l->max_items) ||
        !mime_list_grow((void **)&l->pool, &l->pool_cap, l->pool_len + n + 1, 1, 256,
                        l->max_bytes)) {
        l->is_truncated = true;
        return -1;
    }
    memcpy(l->pool + l->pool_len, p, n);
    l->pool[l->pool_len + n] = '\0';
    l->items[l->count].off = (uint32_t)l->pool_len;
    l->items[l->count].len = (uint16_t)n;
    l->items[l->count].flags = flags;
    l->count++;
    l->pool_len += n + 1;
    return 0;
}

const char *mime_list_get(const struct mime_list *l, size_t i, size_t *len, uint8_t *flags)
{
    if (i >= l->count)
        return NULL;
    if (len)
        *len = l->items[i].len;
    if (flags)
        *flags = l->items[i].flags;
    return l->pool + l->items[i].off;
}

size_t mime_list_mem(const struct mime_list *l)
{
    return l->items_cap * sizeof(*l->items) + l->pool_cap;
}
