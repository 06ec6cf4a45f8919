/* mime_list.h — a capped list of short byte strings with a flag byte each
 * (mail recipients, To/Cc addresses, Received lines, URLs).
 *
 * Items live in one heap pool that grows on demand up to the caps given at
 * init: at most max_items items and max_bytes bytes of text, each item cut
 * at item_max bytes. What does not fit is counted and sets is_truncated.
 * Not a set unless asked: with is_unique, an equal item only ORs its flags
 * into the one already there.
 */
#ifndef HRADBA_PROTO_MIME_MIME_LIST_H
#define HRADBA_PROTO_MIME_MIME_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mime_list_item {
    uint32_t off; /* into pool */
    uint16_t len;
    uint8_t flags;
};

struct mime_list {
    struct mime_list_item *items;
    size_t count;
    size_t items_cap;
    char *pool; /* item text, each NUL-terminated after its len bytes */
    size_t pool_len;
    size_t pool_cap;
    size_t max_items;
    size_t max_bytes;
    size_t item_max;
    bool is_unique;
    bool is_truncated;
    uint64_t seen; /* items offered, kept or not (duplicates excluded) */
};

void mime_list_init(struct mime_list *l, size_t max_items, size_t max_bytes, size_t item_max,
                    bool is_unique);
void mime_list_fini(struct mime_list *l);
/* Empties the list, keeping its memory. */
void mime_list_clear(struct mime_list *l);

/* Adds n bytes (cut at item_max) with flags. Empty items are ignored.
 * Returns 0, or -1 when the item was dropped (caps or allocation). */
int mime_list_add(struct mime_list *l, const void *p, size_t n, uint8_t flags);

/* Item i's text (NUL-terminated; it may hold NULs before len) and length. */
const char *mime_list_get(const struct mime_list *l, size_t i, size_t *len, uint8_t *flags);

size_t mime_list_mem(const struct mime_list *l);

#endif
