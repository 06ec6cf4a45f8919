/* mail_list.c — capped string list (see mail_list.h). */
#include "proto/imap/mail_list.h"

#include <string.h>

#include "proto/imap/mail_line.h"

void mail_list_init(struct mail_list *l, bool is_case_insensitive)
{
    memset(l, 0, sizeof(*l));
    l->is_case_insensitive = is_case_insensitive;
}

void mail_list_add(struct mail_list *l, const uint8_t *p, size_t n)
{
    const uint8_t *nul = memchr(p, 0, n);
    if (nul)
        n = (size_t)(nul - p);
    if (n > MAIL_LIST_ITEM_MAX) {
        n = MAIL_LIST_ITEM_MAX;
        l->is_truncated = true;
    }
    if (n == 0)
        return;
    for (size_t i = 0; i < l->count; i++) { /* at most MAIL_LIST_ITEMS_MAX */
        const char *it = l->items[i];
        if (strlen(it) != n)
            continue;
        if (l->is_case_insensitive ? mail_line_eq_ci(p, n, it) : memcmp(it, p, n) == 0)
            return;
    }
    if (l->count == MAIL_LIST_ITEMS_MAX || MAIL_LIST_POOL_MAX - l->used < n + 1) {
        l->is_truncated = true;
        return;
    }
    char *dst = l->pool + l->used;
    memcpy(dst, p, n);
    dst[n] = '\0';
    l->items[l->count++] = dst;
    l->used += n + 1;
}
