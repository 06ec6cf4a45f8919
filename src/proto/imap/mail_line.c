/* mail_line.c — CRLF line assembly for the text protocols (see mail_line.h).
 *
 * A line wholly inside one call is handed back in place, without a copy;
 * only a line spanning calls is kept in the buffer, which grows by doubling
 * up to the caller's cap. Bytes beyond the cap are counted and fed to the
 * tail window only.
 */
#include "proto/imap/mail_line.h"

#include <stdlib.h>
#include <string.h>

void mail_line_init(struct mail_line *l, size_t max_len)
{
    memset(l, 0, sizeof(*l));
    l->max_len = max_len;
}

void mail_line_fini(struct mail_line *l)
{
    free(l->buf);
    l->buf = NULL;
    l->cap = 0;
}

void mail_line_init_pair(struct mail_line line[2], size_t to_server_max, size_t to_client_max)
{
    mail_line_init(&line[0], to_server_max);
    mail_line_init(&line[1], to_client_max);
}

void mail_line_fini_pair(struct mail_line line[2])
{
    mail_line_fini(&line[0]);
    mail_line_fini(&line[1]);
}

size_t mail_line_mem_pair(const struct mail_line line[2])
{
    return mail_line_mem(&line[0]) + mail_line_mem(&line[1]);
}

bool mail_line_is_partial(const struct mail_line *l)
{
    return l->total_len > 0 || l->is_discarding;
}

size_t mail_line_mem(const struct mail_line *l)
{
    return l->cap;
}

void mail_line_release(struct mail_line *l)
{
    if (l->handed_len == 0)
        return;
    memset(l->buf, 0, l->handed_len);
    memset(l->tail, 0, sizeof(l->tail));
    l->handed_len = 0;
}

void mail_line_resync(struct mail_line *l)
{
    l->have = 0;
    l->total_len = 0;
    l->tail_len = 0;
    l->is_discarding = true;
}

static int mail_line_lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

bool mail_line_starts_ci(const uint8_t *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n < k)
        return false;
    struct cursor c = cursor_make(p, k);
    for (size_t i = 0; i < k; i++)
        if (mail_line_lower(cursor_u8(&c)) != mail_line_lower((unsigned char)lit[i]))
            return false;
    return true;
}

int mail_line_match_ci(const uint8_t *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n >= k)
        return mail_line_starts_ci(p, n, lit) ? 1 : -1;
    struct cursor c = cursor_make(p, n);
    for (size_t i = 0; i < n; i++)
        if (mail_line_lower(cursor_u8(&c)) != mail_line_lower((unsigned char)lit[i]))
            return -1;
    return 0;
}

bool mail_line_eq_ci(const uint8_t *p, size_t n, const char *lit)
{
    return n == strlen(lit) && mail_line_starts_ci(p, n, lit);
}

int mail_line_match_any(const uint8_t *p, size_t n, const char *const *lits, size_t count)
{
    int res = -1;
    for (size_t i = 0; i < count; i++) {
        int m = mail_line_match_ci(p, n, lits[i]);
        if (m > 0)
            return 1;
        if (m == 0)
            res = 0;
    }
    return res;
}

int mail_line_reply_code(const struct mail_line_view *v, uint8_t *sep)
{
    struct cursor c = cursor_make(v->p, v->len);
    int code = 0;
    for (int i = 0; i < 3; i++) {
        uint8_t ch = cursor_u8(&c);
        if (!cursor_ok(&c) || ch < '0' || ch > '9')
            return -1;
        code = code * 10 + (ch - '0');
    }
    *sep = cursor_left(&c) > 0 ? cursor_u8(&c) : ' ';
    return code;
}

/* Slides the tail window over n more bytes of the line. */
static void mail_line_tail_push(struct mail_line *l, const uint8_t *b, size_t n)
{
    if (n >= MAIL_LINE_TAIL_MAX) {
        memcpy(l->tail, b + (n - MAIL_LINE_TAIL_MAX), MAIL_LINE_TAIL_MAX);
        l->tail_len = MAIL_LINE_TAIL_MAX;
        return;
    }
    size_t keep_old = l->tail_len + n > MAIL_LINE_TAIL_MAX ? MAIL_LINE_TAIL_MAX - n : l->tail_len;
    memmove(l->tail, l->tail + (l->tail_len - keep_old), keep_old);
    memcpy(l->tail + keep_old, b, n);
    l->tail_len = keep_old + n;
}

/* Keeps up to `limit` bytes of the line in the buffer. */
static bool mail_line_keep(struct mail_line *l, const uint8_t *b, size_t n, size_t limit)
{
    size_t room = l->have < limit ? limit - l->have : 0;
    size_t k = n < room ? n : room;
    if (k == 0)
        return true;
    if (l->have + k > l->cap) {
        size_t cap = l->cap ? l->cap : MAIL_LINE_BUF_MIN;
        while (cap < l->have + k) /* at most log2(max_len / 128) doublings */
            cap *= 2;
        if (cap > l->max_len)
            cap = l->max_len;
        uint8_t *nb = realloc(l->buf, cap);
        if (!nb)
            return false;
        l->buf = nb;
        l->cap = cap;
    }
    memcpy(l->buf + l->have, b, k);
    l->have += k;
    return true;
}

/* Fills v for a line whose bytes are p[0..len) kept, ending the line. */
static void mail_line_view_set(struct mail_line_view *v, const uint8_t *p, size_t len,
                               uint64_t total, const uint8_t *tail, size_t tail_len)
{
    /* Strip the CR of CRLF; it is the line's last byte, so it ends the tail
     * and, when nothing was cut, the kept text too. */
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
    v->tail = tail;
    v->tail_len = tail_len;
    v->is_truncated = total > len;
}

enum mail_line_result mail_line_next(struct mail_line *l, struct cursor *c, size_t keep,
                                     struct mail_line_view *v)
{
    size_t limit = keep < l->max_len ? keep : l->max_len;
    mail_line_release(l);
    while (l->is_discarding && cursor_left(c) > 0) {
        const uint8_t *lf = memchr(cursor_ptr(c), '\n', cursor_left(c));
        if (!lf) {
            cursor_skip(c, cursor_left(c));
            return MAIL_LINE_NEED_MORE;
        }
        cursor_skip(c, (size_t)(lf - cursor_ptr(c)) + 1);
        l->is_discarding = false;
    }
    size_t left = cursor_left(c);
    if (left == 0)
        return MAIL_LINE_NEED_MORE;
    const uint8_t *lf = memchr(cursor_ptr(c), '\n', left);
    size_t n = lf ? (size_t)(lf - cursor_ptr(c)) : left;
    const uint8_t *b = cursor_bytes(c, lf ? n + 1 : n);
    if (lf && l->total_len == 0) {
        /* The whole line is here: no copy. */
        size_t tl = n < MAIL_LINE_TAIL_MAX ? n : MAIL_LINE_TAIL_MAX;
        mail_line_view_set(v, b, n < limit ? n : limit, n, b + (n - tl), tl);
        return MAIL_LINE_READY;
    }
    enum mail_line_result res = MAIL_LINE_NEED_MORE;
    if (!mail_line_keep(l, b, n, limit)) {
        limit = l->have; /* keep what we have; the rest only counts */
        res = MAIL_LINE_NOMEM;
    }
    mail_line_tail_push(l, b, n);
    l->total_len += n;
    if (!lf)
        return res;
    mail_line_view_set(v, l->buf, l->have, l->total_len, l->tail, l->tail_len);
    /* The view borrows buf and tail; reset counters so the next call starts a
     * new line (the bytes stay put until then). */
    l->handed_len = l->have;
    l->have = 0;
    l->total_len = 0;
    l->tail_len = 0;
    return MAIL_LINE_READY;
}
