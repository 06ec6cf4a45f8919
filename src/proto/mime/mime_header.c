/* mime_header.c — Content-Type / Content-Disposition parameters and
 * address lists (see mime_header.h).
 *
 * Parameters are read with one iterator over "; name = value" pairs; a
 * file name in pieces (RFC 2231 "filename*0*=...; filename*1=...") is put
 * back together in piece order, whatever order the pieces came in.
 */
#include "proto/mime/mime_header.h"

#include <string.h>

#include "core/cursor.h"
#include "proto/mime/mime_decode.h"

static uint8_t mime_header_lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool mime_header_is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool mime_header_name_is(const uint8_t *name, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n != k)
        return false;
    struct cursor c = cursor_make(name, n);
    for (size_t i = 0; i < k; i++)
        if (mime_header_lower(cursor_u8(&c)) != mime_header_lower((uint8_t)lit[i]))
            return false;
    return true;
}

static void mime_header_skip_space(struct cursor *c)
{
    uint8_t ch = 0;
    while (cursor_peek_u8(c, 0, &ch) && mime_header_is_space(ch))
        cursor_skip(c, 1);
}

size_t mime_header_type(const uint8_t *v, size_t n, char *type)
{
    struct cursor c = cursor_make(v, n);
    mime_header_skip_space(&c);
    size_t len = 0;
    uint8_t ch = 0;
    while (cursor_peek_u8(&c, 0, &ch) && ch != ';' && !mime_header_is_space(ch) && ch != '(') {
        cursor_skip(&c, 1);
        if (len + 1 < MIME_TYPE_MAX)
            type[len++] = (char)mime_header_lower(ch);
    }
    type[len] = '\0';
    return len;
}

struct mime_param {
    const uint8_t *name;
    size_t name_len;
    const uint8_t *value;
    size_t value_len;
    bool is_quoted; /* value is the inside of a quoted-string, escapes kept */
};

/* The next "; name = value" of c (the type before the first ';' skipped). */
static bool mime_header_next_param(struct cursor *c, struct mime_param *p)
{
    for (;;) {
        const uint8_t *semi = memchr(cursor_ptr(c), ';', cursor_left(c));
        if (!semi)
            return false;
        cursor_skip(c, (size_t)(semi - cursor_ptr(c)) + 1);
        mime_header_skip_space(c);
        p->name = cursor_ptr(c);
        p->name_len = 0;
        uint8_t ch = 0;
        while (cursor_peek_u8(c, p->name_len, &ch) && ch != '=' && ch != ';' &&
               !mime_header_is_space(ch))
            p->name_len++;
        cursor_skip(c, p->name_len);
        mime_header_skip_space(c);
        if (!cursor_peek_u8(c, 0, &ch) || ch != '=')
            continue; /* "; flag" without a value */
        cursor_skip(c, 1);
        mime_header_skip_space(c);
        p->is_quoted = cursor_peek_u8(c, 0, &ch) && ch == '"';
        if (p->is_quoted) {
            cursor_skip(c, 1);
            p->value = cursor_ptr(c);
            size_t k = 0;
            while (cursor_peek_u8(c, k, &ch) && ch != '"')
                k += ch == '\\' ? 2 : 1;
            if (k > cursor_left(c))
                k = cursor_left(c);
            p->value_len = k;
            cursor_skip(c, k);
            cursor_skip(c, cursor_left(c) > 0); /* the closing quote */
        } else {
            /* A token; lenient: up to ';' so "name=a b.pdf" keeps its space. */
            p->value = cursor_ptr(c);
            size_t k = 0;
            while (cursor_peek_u8(c, k, &ch) && ch != ';')
                k++;
            while (k > 0 && cursor_peek_u8(c, k - 1, &ch) && mime_header_is_space(ch))
                k--;
            p->value_len = k;
            cursor_skip(c, k);
        }
        return true;
    }
}

/* Copies a parameter value, dropping quoted-pair backslashes. */
static size_t mime_header_unquote(const struct mime_param *p, uint8_t *out, size_t cap)
{
    struct cursor c = cursor_make(p->value, p->value_len);
    size_t w = 0;
    while (cursor_left(&c) > 0 && w < cap) {
        uint8_t ch = cursor_u8(&c);
        if (p->is_quoted && ch == '\\' && cursor_left(&c) > 0)
            ch = cursor_u8(&c);
        out[w++] = ch;
    }
    return w;
}

int mime_header_boundary(const uint8_t *v, size_t n, char *out)
{
    struct cursor c = cursor_make(v, n);
    struct mime_param p;
    while (mime_header_next_param(&c, &p)) {
        if (!mime_header_name_is(p.name, p.name_len, "boundary"))
            continue;
        uint8_t tmp[MIME_BOUNDARY_MAX];
        if (p.value_len >= sizeof(tmp))
            return -1;
        size_t k = mime_header_unquote(&p, tmp, sizeof(tmp) - 1);
        if (k == 0)
            return -1;
        memcpy(out, tmp, k);
        out[k] = '\0';
        return (int)k;
    }
    return 0;
}

/* Parses "name*N" or "name*N*" after a match of name; returns N or -1. */
static int mime_header_piece(const struct mime_param *p, size_t base, bool *is_ext)
{
    struct cursor c = cursor_make(p->name + base, p->name_len - base);
    if (cursor_u8(&c) != '*')
        return -1;
    int n = 0;
    size_t digits = 0;
    uint8_t ch = 0;
    while (cursor_peek_u8(&c, 0, &ch) && ch >= '0' && ch <= '9' && digits < 3) {
        n = n * 10 + (ch - '0');
        cursor_skip(&c, 1);
        digits++;
    }
    if (digits == 0)
        return -1;
    *is_ext = cursor_peek_u8(&c, 0, &ch) && ch == '*' && cursor_left(&c) == 1;
    if (cursor_left(&c) != (*is_ext ? 1u : 0u))
        return -1;
    return n < MIME_CONT_MAX ? n : -1;
}

int mime_header_param(const uint8_t *v, size_t n, const char *name, char *out, size_t out_size)
{
    size_t base = strlen(name);
    struct mime_param plain = {0}, ext = {0};
    struct mime_param pieces[MIME_CONT_MAX];
    bool piece_ext[MIME_CONT_MAX] = {false};
    uint32_t have = 0;
    bool has_plain = false, has_ext = false;
    struct cursor c = cursor_make(v, n);
    struct mime_param p;
    while (mime_header_next_param(&c, &p)) {
        if (p.name_len < base || !mime_header_name_is(p.name, base, name))
            continue;
        if (p.name_len == base) {
            plain = p;
            has_plain = true;
        } else if (p.name_len == base + 1 && mime_header_name_is(p.name + base, 1, "*")) {
            ext = p;
            has_ext = true;
        } else {
            bool is_ext = false;
            int k = mime_header_piece(&p, base, &is_ext);
            if (k >= 0 && !(have & (1u << k))) {
                pieces[k] = p;
                piece_ext[k] = is_ext;
                have |= 1u << k;
            }
        }
    }
    uint8_t raw[MIME_FILENAME_MAX * 4];
    if (has_ext) {
        size_t k = mime_header_unquote(&ext, raw, sizeof(raw));
        return (int)mime_decode_ext_value(raw, k, true, NULL, out, out_size);
    }
    if (have & 1u) {
        char charset[32] = "";
        size_t w = 0;
        for (int i = 0; i < MIME_CONT_MAX && (have & (1u << i)) && w + 1 < out_size; i++) {
            size_t k = mime_header_unquote(&pieces[i], raw, sizeof(raw));
            if (i == 0 && piece_ext[0]) {
                const uint8_t *q = memchr(raw, '\'', k);
                size_t cl = q ? (size_t)(q - raw) : 0;
                if (cl < sizeof(charset)) {
                    memcpy(charset, raw, cl);
                    charset[cl] = '\0';
                }
            }
            if (piece_ext[i])
                w += mime_decode_ext_value(raw, k, i == 0, charset[0] ? charset : NULL, out + w,
                                           out_size - w);
            else
                w += mime_decode_ext_value(raw, k, false, "us-ascii", out + w, out_size - w);
        }
        return (int)w;
    }
    if (has_plain) {
        size_t k = mime_header_unquote(&plain, raw, sizeof(raw));
        bool is_decoded = false;
        return (int)mime_decode_words(raw, k, out, out_size, &is_decoded);
    }
    return -1;
}

/* Trims and adds one address of a list. */
static void mime_header_add_one(const uint8_t *p, size_t n, struct mime_list *list)
{
    struct cursor c = cursor_make(p, n);
    mime_header_skip_space(&c);
    size_t k = cursor_left(&c);
    uint8_t ch = 0;
    while (k > 0 && cursor_peek_u8(&c, k - 1, &ch) && mime_header_is_space(ch))
        k--;
    mime_list_add(list, cursor_ptr(&c), k, 0);
}

void mime_header_addresses(const uint8_t *v, size_t n, struct mime_list *list)
{
    struct cursor c = cursor_make(v, n);
    size_t start = 0, i = 0;
    bool in_quote = false;
    int angle = 0, paren = 0;
    while (cursor_left(&c) > 0) {
        uint8_t ch = cursor_u8(&c);
        if (in_quote) {
            if (ch == '\\' && cursor_left(&c) > 0) {
                cursor_skip(&c, 1);
                i++;
            } else if (ch == '"')
                in_quote = false;
        } else if (ch == '"') {
            in_quote = true;
        } else if (ch == '(') {
            paren += paren < 64;
        } else if (ch == ')') {
            paren -= paren > 0;
        } else if (ch == '<') {
            angle = 1;
        } else if (ch == '>') {
            angle = 0;
        } else if (ch == ',' && angle == 0 && paren == 0) {
            mime_header_add_one(v + start, i - start, list);
            start = i + 1;
        }
        i++;
    }
    mime_header_add_one(v + start, n - start, list);
}
