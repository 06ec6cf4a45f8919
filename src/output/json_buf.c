/* json_buf.c — append-only JSON text writer (RFC 8259).
 *
 * Strings are escaped in runs: safe bytes are copied in bulk, '"', '\\' and
 * control characters get their escapes, well-formed UTF-8 (RFC 3629: no
 * overlongs, no surrogates, nothing past U+10FFFF) passes through, and each
 * byte of a malformed sequence becomes \u00XX. Not a parser or validator of
 * raw input.
 */
#include "output/json_buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { JSON_BUF_MIN_CAP = 1024 };

/* Bytes copied as they are: printable ASCII other than '"' and '\\'. */
static inline bool json_buf_is_plain(uint8_t c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

void json_buf_init(struct json_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void json_buf_fini(struct json_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

void json_buf_reset(struct json_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
    b->is_oom = false;
    b->is_misused = false;
    b->depth = 0;
    memset(b->need_comma, 0, sizeof(b->need_comma));
}

bool json_buf_ok(const struct json_buf *b)
{
    return !b->is_oom && !b->is_misused;
}

/* Room for n more bytes and the trailing NUL; false (sticky) if not. */
static bool json_buf_reserve(struct json_buf *b, size_t n)
{
    if (b->is_oom)
        return false;
    if (n < b->cap - b->len)
        return true;
    size_t need = b->len + n + 1;
    if (need < b->len) {
        b->is_oom = true;
        return false;
    }
    size_t cap = b->cap ? b->cap : JSON_BUF_MIN_CAP;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    char *d = realloc(b->data, cap);
    if (!d) {
        b->is_oom = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

static void json_buf_put(struct json_buf *b, const void *s, size_t n)
{
    if (!json_buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void json_buf_putc(struct json_buf *b, char c)
{
    if (!json_buf_reserve(b, 1))
        return;
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

/* Length of the well-formed UTF-8 sequence at s (first byte >= 0x80), or 0. */
static size_t json_buf_utf8_len(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    size_t len;
    uint8_t lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        else if (c == 0xed)
            hi = 0x9f; /* UTF-16 surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90; /* overlong */
        else if (c == 0xf4)
            hi = 0x8f; /* past U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

/* Escaped form of the ASCII byte c (< 0x80, not plain) into out; returns its length. */
static size_t json_buf_escape_ascii(uint8_t c, char *out)
{
    static const char hex[] = "0123456789abcdef";
    static const char short_esc[] = {['"'] = '"',  ['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f',
                                     ['\n'] = 'n', ['\r'] = 'r',  ['\t'] = 't'};
    out[0] = '\\';
    if (c < sizeof(short_esc) && short_esc[c]) {
        out[1] = short_esc[c];
        return 2;
    }
    memcpy(out + 1, "u00", 3);
    out[4] = hex[c >> 4];
    out[5] = hex[c & 0xf];
    return 6;
}

/* Every byte grows to at most 6 ("\u00XX"), so one reservation covers the
 * whole string and the loop below writes without further checks. */
static void json_buf_quoted(struct json_buf *b, const uint8_t *s, size_t n)
{
    if (n > (SIZE_MAX - 3) / 6) {
        b->is_oom = true;
        return;
    }
    if (!json_buf_reserve(b, 6 * n + 2))
        return;
    char *out = b->data + b->len;
    *out++ = '"';
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && json_buf_is_plain(s[run]))
            run++;
        if (run > i) {
            memcpy(out, s + i, run - i);
            out += run - i;
            i = run;
            continue;
        }
        size_t u = s[i] < 0x80 ? 0 : json_buf_utf8_len(s + i, n - i);
        if (u) {
            memcpy(out, s + i, u);
            out += u;
            i += u;
        } else {
            out += json_buf_escape_ascii(s[i], out);
            i++;
        }
    }
    *out++ = '"';
    *out = '\0';
    b->len = (size_t)(out - b->data);
}

/* Comma and key before a value in the current container. Keys are the
 * program's own literals, but they are escaped like any string all the same. */
static void json_buf_prefix(struct json_buf *b, const char *key)
{
    bool comma = b->need_comma[b->depth];
    b->need_comma[b->depth] = true;
    if (!key) {
        if (comma)
            json_buf_putc(b, ',');
        return;
    }
    size_t klen = strlen(key);
    for (size_t i = 0; i < klen; i++) {
        if (!json_buf_is_plain((uint8_t)key[i])) {
            if (comma)
                json_buf_putc(b, ',');
            json_buf_quoted(b, (const uint8_t *)key, klen);
            json_buf_putc(b, ':');
            return;
        }
    }
    if (!json_buf_reserve(b, klen + 4))
        return;
    char *out = b->data + b->len;
    if (comma)
        *out++ = ',';
    *out++ = '"';
    memcpy(out, key, klen);
    out += klen;
    *out++ = '"';
    *out++ = ':';
    *out = '\0';
    b->len = (size_t)(out - b->data);
}

static void json_buf_open(struct json_buf *b, const char *key, char c)
{
    if (b->depth + 1 >= JSON_BUF_MAX_DEPTH) {
        b->is_misused = true;
        return;
    }
    json_buf_prefix(b, key);
    json_buf_putc(b, c);
    b->depth++;
    b->need_comma[b->depth] = false;
}

static void json_buf_close(struct json_buf *b, char c)
{
    if (b->depth == 0) {
        b->is_misused = true;
        return;
    }
    json_buf_putc(b, c);
    b->depth--;
}

void json_buf_open_object(struct json_buf *b, const char *key)
{
    json_buf_open(b, key, '{');
}
void json_buf_close_object(struct json_buf *b)
{
    json_buf_close(b, '}');
}
void json_buf_open_array(struct json_buf *b, const char *key)
{
    json_buf_open(b, key, '[');
}
void json_buf_close_array(struct json_buf *b)
{
    json_buf_close(b, ']');
}

void json_buf_string(struct json_buf *b, const char *key, const char *s)
{
    json_buf_string_n(b, key, s, strlen(s));
}

void json_buf_string_n(struct json_buf *b, const char *key, const void *s, size_t n)
{
    json_buf_prefix(b, key);
    json_buf_quoted(b, s, n);
}

/* Writes v's decimal digits ending at end; returns the first digit. */
static char *json_buf_digits(char *end, uint64_t v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

void json_buf_u64(struct json_buf *b, const char *key, uint64_t v)
{
    char tmp[20];
    char *s = json_buf_digits(tmp + sizeof(tmp), v);
    json_buf_prefix(b, key);
    json_buf_put(b, s, (size_t)(tmp + sizeof(tmp) - s));
}

void json_buf_i64(struct json_buf *b, const char *key, int64_t v)
{
    char tmp[21];
    /* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char *s = json_buf_digits(tmp + sizeof(tmp), mag);
    if (v < 0)
        *--s = '-';
    json_buf_prefix(b, key);
    json_buf_put(b, s, (size_t)(tmp + sizeof(tmp) - s));
}

void json_buf_double(struct json_buf *b, const char *key, double v)
{
    json_buf_prefix(b, key);
    if (!isfinite(v)) {
        json_buf_put(b, "null", 4);
        return;
    }
    char tmp[32];
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    json_buf_put(b, tmp, (size_t)n);
}

void json_buf_bool(struct json_buf *b, const char *key, bool v)
{
    json_buf_prefix(b, key);
    if (v)
        json_buf_put(b, "true", 4);
    else
        json_buf_put(b, "false", 5);
}

void json_buf_raw(struct json_buf *b, const char *key, const char *json, size_t n)
{
    json_buf_prefix(b, key);
    json_buf_put(b, json, n);
}

void json_buf_newline(struct json_buf *b)
{
    json_buf_putc(b, '\n');
    b->need_comma[0] = false;
}
