/* http_line.c — LF-terminated line assembly (see http_line.h).
 *
 * A line wholly inside one call is handed back in place, without a copy;
 * only a line spanning calls is kept in the buffer, which grows by doubling
 * up to HTTP_LINE_MAX. Bytes beyond the cap only slide the tail window.
 */
#include "proto/http/http_line.h"

#include <stdlib.h>
#include <string.h>

#include "proto/http/http_parser.h"

enum { HTTP_LINE_BUF_MIN = 256 };

void http_line_init(struct http_line *l)
{
    memset(l, 0, sizeof(*l));
}

void http_line_fini(struct http_line *l)
{
    free(l->buf);
    memset(l, 0, sizeof(*l));
}

bool http_line_is_partial(const struct http_line *l)
{
    return l->total_len > 0;
}

void http_line_release(struct http_line *l)
{
    if (l->total_len > 0)
        return;
    free(l->buf);
    l->buf = NULL;
    l->cap = 0;
    l->have = 0;
}

size_t http_line_mem(const struct http_line *l)
{
    return l->cap;
}

void http_line_drop(struct http_line *l)
{
    l->have = 0;
    l->total_len = 0;
    l->tail_len = 0;
}

/* Keeps as much of b[0..n) as the cap and memory allow. */
static void http_line_keep(struct http_line *l, const uint8_t *b, size_t n)
{
    size_t room = HTTP_LINE_MAX - l->have;
    size_t k = n < room ? n : room;
    if (k == 0)
        return;
    if (l->have + k > l->cap) {
        size_t cap = l->cap ? l->cap : HTTP_LINE_BUF_MIN;
        while (cap < l->have + k) /* at most 5 doublings from 256 to 8192 */
            cap *= 2;
        if (cap > HTTP_LINE_MAX)
            cap = HTTP_LINE_MAX;
        uint8_t *nb = realloc(l->buf, cap);
        if (!nb)
            return; /* the line is handed back cut where it stands */
        l->buf = nb;
        l->cap = cap;
    }
    memcpy(l->buf + l->have, b, k);
    l->have += k;
}

/* Slides the tail window over n more bytes of the line. */
static void http_line_tail_push(struct http_line *l, const uint8_t *b, size_t n)
{
    if (n >= HTTP_LINE_TAIL_MAX) {
        memcpy(l->tail, b + (n - HTTP_LINE_TAIL_MAX), HTTP_LINE_TAIL_MAX);
        l->tail_len = HTTP_LINE_TAIL_MAX;
        return;
    }
    size_t keep_old = l->tail_len + n > HTTP_LINE_TAIL_MAX ? HTTP_LINE_TAIL_MAX - n : l->tail_len;
    memmove(l->tail, l->tail + (l->tail_len - keep_old), keep_old);
    memcpy(l->tail + keep_old, b, n);
    l->tail_len = keep_old + n;
}

/* Fills v for a line of total bytes whose first len are at p and whose last
 * tail_len are at tail: the CR of a CR LF is not part of the line. */
static void http_line_view_set(struct http_line_view *v, const uint8_t *p, size_t len,
                               uint64_t total, const uint8_t *tail, size_t tail_len)
{
    struct cursor tc = cursor_make(tail, tail_len);
    uint8_t last = 0;
    if (tail_len > 0 && cursor_peek_u8(&tc, tail_len - 1, &last) && last == '\r') {
        tail_len--;
        if (len == total)
            len--;
        total--;
    }
    v->p = p;
    v->len = len;
    v->total_len = total;
    v->is_truncated = total > len;
    v->tail = tail;
    v->tail_len = tail_len;
}

enum http_line_result http_line_next(struct http_line *l, struct cursor *c,
                                     struct http_line_view *v)
{
    size_t left = cursor_left(c);
    if (left == 0)
        return HTTP_LINE_NEED_MORE;
    if (l->total_len == 0) {
        l->have = 0; /* the previous line was handed back: its bytes are done */
        l->tail_len = 0;
    }
    const uint8_t *lf = memchr(cursor_ptr(c), '\n', left);
    size_t n = lf ? (size_t)(lf - cursor_ptr(c)) : left;
    const uint8_t *b = cursor_bytes(c, lf ? n + 1 : n);
    if (lf && l->total_len == 0) {
        /* The whole line is here: no copy. */
        size_t tl = n < HTTP_LINE_TAIL_MAX ? n : HTTP_LINE_TAIL_MAX;
        http_line_view_set(v, b, n < HTTP_LINE_MAX ? n : HTTP_LINE_MAX, n, b + (n - tl), tl);
        return HTTP_LINE_READY;
    }
    http_line_keep(l, b, n);
    http_line_tail_push(l, b, n);
    l->total_len += n;
    if (!lf)
        return HTTP_LINE_NEED_MORE;
    http_line_view_set(v, l->buf, l->have, l->total_len, l->tail, l->tail_len);
    l->total_len = 0; /* the next call starts a new line; buf stays until then */
    return HTTP_LINE_READY;
}
