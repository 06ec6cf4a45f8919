/* mail_list.h — a small, capped list of short strings kept per flow
 * (IMAP/POP3 capabilities, IMAP mailbox names).
 *
 * Fixed storage inside the owning state, no allocation: at most
 * MAIL_LIST_ITEMS_MAX items and MAIL_LIST_POOL_MAX bytes of text, each item
 * cut at MAIL_LIST_ITEM_MAX bytes. Duplicates are dropped, so a client
 * re-selecting INBOX a thousand times costs nothing. What does not fit sets
 * is_truncated.
 */
#ifndef HRADBA_PROTO_IMAP_MAIL_LIST_H
#define HRADBA_PROTO_IMAP_MAIL_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    MAIL_LIST_ITEMS_MAX = 32,
    MAIL_LIST_ITEM_MAX = 128, /* bytes of one item, NUL excluded */
    MAIL_LIST_POOL_MAX = 1536,
};

struct mail_list {
    const char *items[MAIL_LIST_ITEMS_MAX]; /* into pool, NUL-terminated */
    size_t count;
    size_t used; /* bytes of pool used */
    bool is_truncated;
    bool is_case_insensitive; /* for duplicate checks */
    char pool[MAIL_LIST_POOL_MAX];
};

void mail_list_init(struct mail_list *l, bool is_case_insensitive);

/* Adds n bytes as an item unless an equal one is there. A NUL byte ends
 * the item early. Empty items are ignored. */
void mail_list_add(struct mail_list *l, const uint8_t *p, size_t n);

#endif
