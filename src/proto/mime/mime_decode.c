/* mime_decode.c — base64, quoted-printable, RFC 2047 encoded-words and
 * RFC 2231 extended values (see mime_decode.h).
 *
 * Written here rather than with libcrypto's EVP_DecodeUpdate: that one
 * stops at the first bad character and wants whole lines, while mail in the
 * wild has stray bytes in base64 and lines of any length.
 */
#include "proto/mime/mime_decode.h"

#include <string.h>

#include "core/cursor.h"
#include "core/hex.h"

/* 0..63 for the alphabet, 64 for '=', 65 for whitespace, 66 otherwise. */
static uint8_t mime_decode_b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return (uint8_t)(c - 'A');
    if (c >= 'a' && c <= 'z')
        return (uint8_t)(c - 'a' + 26);
    if (c >= '0' && c <= '9')
        return (uint8_t)(c - '0' + 52);
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    if (c == '=')
        return 64;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
        return 65;
    return 66;
}

void mime_b64_init(struct mime_b64 *d)
{
    memset(d, 0, sizeof(*d));
}

/* Writes the bytes of a quantum of n sextets (2..4) and empties it. */
static size_t mime_b64_flush(struct mime_b64 *d, uint8_t *out)
{
    size_t w = 0;
    uint32_t acc = d->acc << (6 * (4 - d->n));
    if (d->n >= 2)
        out[w++] = (uint8_t)(acc >> 16);
    if (d->n >= 3)
        out[w++] = (uint8_t)(acc >> 8);
    if (d->n >= 4)
        out[w++] = (uint8_t)acc;
    if (d->n == 1)
        d->invalid++;
    d->acc = 0;
    d->n = 0;
    return w;
}

size_t mime_b64_decode(struct mime_b64 *d, const uint8_t *in, size_t n, uint8_t *out)
{
    struct cursor c = cursor_make(in, n);
    size_t w = 0;
    while (cursor_left(&c) > 0) {
        uint8_t v = mime_decode_b64_value(cursor_u8(&c));
        if (v == 65)
            continue;
        if (v == 66) {
            d->invalid++;
            continue;
        }
        if (v == 64) { /* padding ends the quantum */
            if (d->n >= 2)
                w += mime_b64_flush(d, out + w);
            else if (d->n == 1 || !d->is_padded)
                d->invalid++; /* a lone sextet, or '=' where no quantum is open */
            d->acc = 0;
            d->n = 0;
            d->is_padded = true;
            continue;
        }
        if (d->is_padded) { /* data after padding: a second encoding glued on */
            d->invalid++;
            d->is_padded = false;
        }
        d->acc = d->acc << 6 | v;
        if (++d->n == 4)
            w += mime_b64_flush(d, out + w);
    }
    return w;
}

size_t mime_b64_finish(struct mime_b64 *d, uint8_t *out)
{
    size_t w = d->n ? mime_b64_flush(d, out) : 0;
    d->is_padded = false;
    return w;
}

void mime_qp_init(struct mime_qp *d)
{
    memset(d, 0, sizeof(*d));
}

size_t mime_qp_decode(struct mime_qp *d, const uint8_t *in, size_t n, uint8_t *out)
{
    struct cursor c = cursor_make(in, n);
    size_t w = 0;
    while (cursor_left(&c) > 0) {
        uint8_t ch = cursor_u8(&c);
        switch (d->state) {
        case 0:
            if (ch == '=')
                d->state = 1;
            else
                out[w++] = ch;
            break;
        case 1:
            if (hex_digit_value(ch) >= 0) {
                d->hi = ch;
                d->state = 2;
            } else if (ch == '\r') {
                d->state = 3;
            } else if (ch == '\n') {
                d->state = 0; /* soft break, bare LF */
            } else if (ch == ' ' || ch == '\t') {
                /* "=" then transport padding before the line end: stay */
            } else {
                d->invalid++;
                out[w++] = '=';
                out[w++] = ch;
                d->state = 0;
            }
            break;
        case 2: {
            int lo = hex_digit_value(ch);
            if (lo >= 0) {
                out[w++] = (uint8_t)(hex_digit_value(d->hi) << 4 | lo);
            } else {
                d->invalid++;
                out[w++] = '=';
                out[w++] = d->hi;
                out[w++] = ch;
            }
            d->state = 0;
            break;
        }
        default: /* "=\r": a soft break whatever follows */
            d->state = 0;
            if (ch != '\n') {
                d->invalid++;
                if (ch == '=')
                    d->state = 1;
                else
                    out[w++] = ch;
            }
            break;
        }
    }
    return w;
}

size_t mime_qp_finish(struct mime_qp *d, uint8_t *out)
{
    size_t w = 0;
    if (d->state == 2) {
        d->invalid++;
        out[w++] = '=';
        out[w++] = d->hi;
    }
    d->state = 0;
    return w;
}

/* ---- header encodings ---- */

struct mime_decode_out {
    char *p;
    size_t len;
    size_t cap; /* bytes usable, the NUL excluded */
};

static void mime_decode_put(struct mime_decode_out *o, uint8_t ch)
{
    if (o->len < o->cap)
        o->p[o->len++] = (char)ch;
}

/* Puts one byte of text in charset kind (1: as is, 2: ISO-8859-1). */
static void mime_decode_put_cs(struct mime_decode_out *o, int kind, uint8_t ch)
{
    if (kind == 2 && ch >= 0x80) {
        if (o->len + 2 > o->cap) {
            o->cap = o->len; /* no half characters */
            return;
        }
        mime_decode_put(o, (uint8_t)(0xc0 | ch >> 6));
        mime_decode_put(o, (uint8_t)(0x80 | (ch & 0x3f)));
        return;
    }
    mime_decode_put(o, ch);
}

static void mime_decode_put_n(struct mime_decode_out *o, const uint8_t *p, size_t n)
{
    struct cursor c = cursor_make(p, n);
    while (cursor_left(&c) > 0)
        mime_decode_put(o, cursor_u8(&c));
}

static bool mime_decode_ieq(const uint8_t *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n != k)
        return false;
    struct cursor c = cursor_make(p, n);
    for (size_t i = 0; i < k; i++) {
        uint8_t ch = cursor_u8(&c);
        if (ch >= 'A' && ch <= 'Z')
            ch = (uint8_t)(ch + 32);
        if (ch != (uint8_t)lit[i])
            return false;
    }
    return true;
}

int mime_decode_charset_kind(const uint8_t *name, size_t n)
{
    /* RFC 2231 §5: "charset*language" */
    const uint8_t *star = memchr(name, '*', n);
    if (star)
        n = (size_t)(star - name);
    static const char *const same[] = {"utf-8", "utf8", "us-ascii", "ascii"};
    static const char *const latin1[] = {"iso-8859-1", "iso8859-1", "latin1", "l1", "iso_8859-1"};
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
        if (mime_decode_ieq(name, n, same[i]))
            return 1;
    for (size_t i = 0; i < sizeof(latin1) / sizeof(latin1[0]); i++)
        if (mime_decode_ieq(name, n, latin1[i]))
            return 2;
    return 0;
}

/* Tries an encoded-word at the start of c ("=?cs?E?text?="). On success
 * writes its decoding (or, for a charset not handled, its raw text) and
 * advances c past it. */
static bool mime_decode_word(struct cursor *c, struct mime_decode_out *o)
{
    const uint8_t *start = cursor_ptr(c);
    size_t left = cursor_left(c);
    if (left < 8 || memcmp(start, "=?", 2) != 0)
        return false;
    struct cursor w = cursor_make(start + 2, left - 2);
    const uint8_t *cs = cursor_ptr(&w);
    const uint8_t *q1 = memchr(cs, '?', cursor_left(&w));
    if (!q1 || q1 == cs)
        return false;
    size_t cs_len = (size_t)(q1 - cs);
    cursor_skip(&w, cs_len + 1);
    uint8_t enc = cursor_u8(&w);
    uint8_t q2 = cursor_u8(&w);
    if (!cursor_ok(&w) || q2 != '?')
        return false;
    const uint8_t *text = cursor_ptr(&w);
    size_t text_len = 0;
    for (;;) { /* the text ends at "?=" and holds no space (§5) */
        const uint8_t *q = memchr(text + text_len, '?', cursor_left(&w) - text_len);
        if (!q)
            return false;
        text_len = (size_t)(q - text);
        uint8_t after = 0;
        if (cursor_peek_u8(&w, text_len + 1, &after) && after == '=')
            break;
        text_len++;
    }
    if (memchr(text, ' ', text_len) || (enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q'))
        return false;
    size_t word_len = (size_t)(text - start) + text_len + 2;
    int kind = mime_decode_charset_kind(cs, cs_len);
    if (kind == 0) {
        mime_decode_put_n(o, start, word_len);
    } else if (enc == 'B' || enc == 'b') {
        struct mime_b64 d;
        mime_b64_init(&d);
        struct cursor t = cursor_make(text, text_len);
        while (cursor_left(&t) > 0) {
            uint8_t buf[MIME_B64_OUT_MAX(64) + 3];
            size_t take = cursor_left(&t) < 64 ? cursor_left(&t) : 64;
            size_t k = mime_b64_decode(&d, cursor_bytes(&t, take), take, buf);
            if (cursor_left(&t) == 0)
                k += mime_b64_finish(&d, buf + k);
            for (size_t i = 0; i < k; i++)
                mime_decode_put_cs(o, kind, buf[i]);
        }
    } else {
        struct cursor t = cursor_make(text, text_len);
        while (cursor_left(&t) > 0) {
            uint8_t ch = cursor_u8(&t);
            uint8_t h = 0, l = 0;
            if (ch == '_') {
                ch = ' ';
            } else if (ch == '=' && cursor_peek_u8(&t, 0, &h) && cursor_peek_u8(&t, 1, &l) &&
                       hex_digit_value(h) >= 0 && hex_digit_value(l) >= 0) {
                ch = (uint8_t)(hex_digit_value(h) << 4 | hex_digit_value(l));
                cursor_skip(&t, 2);
            }
            mime_decode_put_cs(o, kind, ch);
        }
    }
    cursor_skip(c, word_len);
    return true;
}

size_t mime_decode_words(const uint8_t *in, size_t n, char *out, size_t out_size, bool *is_decoded)
{
    struct mime_decode_out o = {out, 0, out_size - 1};
    struct cursor c = cursor_make(in, n);
    bool was_word = false;
    *is_decoded = false;
    while (cursor_left(&c) > 0) {
        if (mime_decode_word(&c, &o)) {
            *is_decoded = true;
            was_word = true;
            continue;
        }
        if (was_word) { /* whitespace between two words is dropped */
            size_t ws = 0;
            uint8_t ch = 0;
            while (cursor_peek_u8(&c, ws, &ch) && (ch == ' ' || ch == '\t'))
                ws++;
            struct cursor look = c;
            cursor_skip(&look, ws);
            struct mime_decode_out probe = {NULL, 0, 0};
            if (ws > 0 && cursor_left(&look) > 0 && mime_decode_word(&look, &probe)) {
                cursor_skip(&c, ws);
                continue;
            }
        }
        was_word = false;
        mime_decode_put(&o, cursor_u8(&c));
    }
    out[o.len] = '\0';
    return o.len;
}

size_t mime_decode_ext_value(const uint8_t *in, size_t n, bool has_charset, const char *charset,
                             char *out, size_t out_size)
{
    struct mime_decode_out o = {out, 0, out_size - 1};
    struct cursor c = cursor_make(in, n);
    int kind = charset ? mime_decode_charset_kind((const uint8_t *)charset, strlen(charset)) : 1;
    if (has_charset) {
        const uint8_t *q1 = memchr(in, '\'', n);
        const uint8_t *q2 = q1 ? memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - in)) : NULL;
        if (q1 && q2) {
            kind = mime_decode_charset_kind(in, (size_t)(q1 - in));
            if (q1 == in)
                kind = 1; /* no charset named: take the bytes as they are */
            cursor_skip(&c, (size_t)(q2 + 1 - in));
        }
    }
    if (kind == 0) { /* a charset not handled: keep the value as written */
        mime_decode_put_n(&o, in, n);
        out[o.len] = '\0';
        return o.len;
    }
    while (cursor_left(&c) > 0) {
        uint8_t ch = cursor_u8(&c);
        uint8_t h = 0, l = 0;
        if (ch == '%' && cursor_peek_u8(&c, 0, &h) && cursor_peek_u8(&c, 1, &l) &&
            hex_digit_value(h) >= 0 && hex_digit_value(l) >= 0) {
            ch = (uint8_t)(hex_digit_value(h) << 4 | hex_digit_value(l));
            cursor_skip(&c, 2);
        }
        mime_decode_put_cs(&o, kind, ch);
    }
    out[o.len] = '\0';
    return o.len;
}
