/* imap_token.c — IMAP line tokens (see imap_token.h). Every loop moves the
 * cursor forward, so a token costs at most the line's length. */
#include "proto/imap/imap_token.h"

#include <string.h>

#include "proto/imap/mail_line.h"

static void imap_token_quoted(struct cursor *c, struct imap_token *t)
{
    cursor_skip(c, 1);
    t->p = cursor_ptr(c);
    uint8_t ch = 0;
    while (cursor_peek_u8(c, 0, &ch) && ch != '"') {
        cursor_skip(c, ch == '\\' && cursor_left(c) >= 2 ? 2 : 1);
    }
    t->len = (size_t)(cursor_ptr(c) - t->p);
    cursor_skip(c, cursor_left(c) > 0 ? 1 : 0); /* the closing quote, if any */
    t->kind = IMAP_TOKEN_QUOTED;
}

static void imap_token_list(struct cursor *c, struct imap_token *t)
{
    t->p = cursor_ptr(c);
    size_t depth = 0;
    bool is_quoted = false;
    uint8_t ch = 0;
    while (cursor_left(c) > 0) {
        ch = cursor_u8(c);
        if (is_quoted) {
            if (ch == '\\')
                cursor_skip(c, cursor_left(c) > 0 ? 1 : 0);
            else if (ch == '"')
                is_quoted = false;
        } else if (ch == '"') {
            is_quoted = true;
        } else if (ch == '(') {
            depth++;
        } else if (ch == ')' && --depth == 0) {
            break;
        }
    }
    t->len = (size_t)(cursor_ptr(c) - t->p);
    t->kind = IMAP_TOKEN_LIST;
}

/* A literal marker when the rest of c is exactly "~{digits[+]}". */
static bool imap_token_is_marker(const struct cursor *c)
{
    struct cursor m = *c;
    uint8_t ch = 0;
    if (cursor_peek_u8(&m, 0, &ch) && ch == '~')
        cursor_skip(&m, 1);
    if (cursor_u8(&m) != '{')
        return false;
    size_t digits = 0;
    while (cursor_peek_u8(&m, 0, &ch) && ch >= '0' && ch <= '9') {
        cursor_skip(&m, 1);
        digits++;
    }
    if (cursor_peek_u8(&m, 0, &ch) && ch == '+')
        cursor_skip(&m, 1);
    return digits > 0 && cursor_u8(&m) == '}' && cursor_ok(&m) && cursor_left(&m) == 0;
}

enum imap_token_kind imap_token_next(struct cursor *c, bool is_line_end, struct imap_token *t)
{
    uint8_t ch = 0;
    while (cursor_peek_u8(c, 0, &ch) && ch == ' ')
        cursor_skip(c, 1);
    t->kind = IMAP_TOKEN_END;
    t->p = cursor_ptr(c);
    t->len = 0;
    if (cursor_left(c) == 0)
        return t->kind;
    if (ch == '"') {
        imap_token_quoted(c, t);
    } else if (ch == '(') {
        imap_token_list(c, t);
    } else if (is_line_end && imap_token_is_marker(c)) {
        t->len = cursor_left(c);
        cursor_skip(c, t->len);
        t->kind = IMAP_TOKEN_LITERAL;
    } else {
        const uint8_t *sp = memchr(t->p, ' ', cursor_left(c));
        t->len = sp ? (size_t)(sp - t->p) : cursor_left(c);
        cursor_skip(c, t->len);
        t->kind = IMAP_TOKEN_ATOM;
    }
    return t->kind;
}

size_t imap_token_copy(const struct imap_token *t, char *out, size_t out_size)
{
    struct cursor c = cursor_make(t->p, t->len);
    size_t n = 0;
    while (cursor_left(&c) > 0 && n + 1 < out_size) {
        uint8_t ch = cursor_u8(&c);
        if (t->kind == IMAP_TOKEN_QUOTED && ch == '\\' && cursor_left(&c) > 0)
            ch = cursor_u8(&c);
        if (ch == 0)
            break;
        out[n++] = (char)ch;
    }
    out[n] = '\0';
    return n;
}

bool imap_token_is(const struct imap_token *t, const char *lit)
{
    return t->kind == IMAP_TOKEN_ATOM && mail_line_eq_ci(t->p, t->len, lit);
}

bool imap_token_is_number(const struct imap_token *t)
{
    if (t->kind != IMAP_TOKEN_ATOM || t->len == 0 || t->len > 10)
        return false;
    struct cursor c = cursor_make(t->p, t->len);
    while (cursor_left(&c) > 0) {
        uint8_t ch = cursor_u8(&c);
        if (ch < '0' || ch > '9')
            return false;
    }
    return true;
}
