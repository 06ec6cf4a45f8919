/* http_head.c — request line, status line and header field values of
 * HTTP/1.x (RFC 9112, RFC 9110); see http_head.h. Every byte is read through
 * a cursor or a peek at an index checked against the view's length. */
#include "proto/http/http_head.h"

#include <string.h>

#include "core/cursor.h"
#include "core/hex.h"

static bool http_head_is_ws(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

static bool http_head_is_digit(uint8_t ch)
{
    return ch >= '0' && ch <= '9';
}

/* RFC 9110 §5.6.2 tchar. */
static bool http_head_is_tchar(uint8_t ch)
{
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || http_head_is_digit(ch))
        return true;
    return ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static uint8_t http_head_lower(uint8_t ch)
{
    return ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch + ('a' - 'A')) : ch;
}

/* The byte at index i of v (i < v.len is checked; 0 outside). */
static uint8_t http_head_at(struct http_bytes v, size_t i)
{
    struct cursor c = cursor_make(v.p, v.len);
    uint8_t ch = 0;
    cursor_peek_u8(&c, i, &ch);
    return ch;
}

static struct http_bytes http_head_sub(struct http_bytes v, size_t from, size_t to)
{
    struct http_bytes s = {NULL, 0};
    if (from > to || to > v.len)
        return s;
    struct cursor c = cursor_make(v.p, v.len);
    cursor_skip(&c, from);
    s.p = cursor_ptr(&c);
    s.len = to - from;
    return s;
}

static struct http_bytes http_head_trim(struct http_bytes v)
{
    size_t from = 0, to = v.len;
    while (from < to && http_head_is_ws(http_head_at(v, from)))
        from++;
    while (to > from && http_head_is_ws(http_head_at(v, to - 1)))
        to--;
    return http_head_sub(v, from, to);
}

/* v up to its first space or tab. */
static struct http_bytes http_head_first_word(struct http_bytes v)
{
    size_t n = 0;
    while (n < v.len && !http_head_is_ws(http_head_at(v, n)))
        n++;
    return http_head_sub(v, 0, n);
}

/* Case-insensitive: does v start with lit? */
static bool http_head_starts_ci(struct http_bytes v, const char *lit)
{
    size_t n = strlen(lit);
    if (v.len < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (http_head_lower(http_head_at(v, i)) != http_head_lower((uint8_t)lit[i]))
            return false;
    return true;
}

/* Case-sensitive: does v start with lit? */
static bool http_head_starts(struct http_bytes v, const char *lit)
{
    size_t n = strlen(lit);
    if (v.len < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (http_head_at(v, i) != (uint8_t)lit[i])
            return false;
    return true;
}

static bool http_head_eq_ci(struct http_bytes v, const char *lit)
{
    return v.len == strlen(lit) && http_head_starts_ci(v, lit);
}

/* "HTTP/" 1*DIGIT "." 1*DIGIT, the whole of v. */
static bool http_head_is_version(struct http_bytes v)
{
    if (!http_head_starts(v, "HTTP/")) /* HTTP-name is case-sensitive (RFC 9112 §2.3) */
        return false;
    size_t i = 5, digits = 0;
    while (i < v.len && http_head_is_digit(http_head_at(v, i)))
        i++, digits++;
    if (digits == 0 || i >= v.len || http_head_at(v, i) != '.')
        return false;
    i++;
    digits = 0;
    while (i < v.len && http_head_is_digit(http_head_at(v, i)))
        i++, digits++;
    return digits > 0 && i == v.len;
}

bool http_head_request_line(const uint8_t *p, size_t len, struct http_request_line *rl)
{
    struct http_bytes line = {p, len};
    size_t i = 0;
    while (i < len && http_head_is_tchar(http_head_at(line, i)))
        i++;
    if (i == 0 || i >= len || !http_head_is_ws(http_head_at(line, i)))
        return false;
    rl->method = http_head_sub(line, 0, i);
    struct http_bytes rest = http_head_trim(http_head_sub(line, i, len));
    size_t sp = rest.len;
    while (sp > 0 && !http_head_is_ws(http_head_at(rest, sp - 1)))
        sp--;
    if (sp == 0)
        return false; /* no version: HTTP/0.9 or not HTTP */
    rl->version = http_head_sub(rest, sp, rest.len);
    /* The target ends at its first space, as tshark and libhtp read it: a
     * line "GET /a b HTTP/1.1" has target "/a" (the "b" is dropped). */
    rl->target = http_head_first_word(http_head_sub(rest, 0, sp));
    return rl->target.len > 0 && http_head_is_version(rl->version);
}

bool http_head_request_line_cut(const uint8_t *p, size_t len, const uint8_t *tail, size_t tail_len,
                                struct http_request_line *rl)
{
    struct http_bytes line = {p, len}, t = {tail, tail_len};
    size_t i = 0;
    while (i < len && http_head_is_tchar(http_head_at(line, i)))
        i++;
    if (i == 0 || i >= len || !http_head_is_ws(http_head_at(line, i)))
        return false;
    rl->method = http_head_sub(line, 0, i);
    while (i < len && http_head_is_ws(http_head_at(line, i)))
        i++;
    rl->target = http_head_first_word(http_head_sub(line, i, len));
    t = http_head_trim(t);
    size_t sp = t.len;
    while (sp > 0 && !http_head_is_ws(http_head_at(t, sp - 1)))
        sp--;
    if (sp == 0)
        return false;
    rl->version = http_head_sub(t, sp, t.len);
    return rl->target.len > 0 && http_head_is_version(rl->version);
}

bool http_head_status_line(const uint8_t *p, size_t len, struct http_status_line *sl)
{
    struct http_bytes line = {p, len};
    size_t i = 0;
    while (i < len && !http_head_is_ws(http_head_at(line, i)))
        i++;
    sl->version = http_head_sub(line, 0, i);
    if (!http_head_is_version(sl->version))
        return false;
    while (i < len && http_head_is_ws(http_head_at(line, i)))
        i++;
    unsigned status = 0;
    for (size_t k = 0; k < 3; k++, i++) {
        uint8_t ch = http_head_at(line, i);
        if (i >= len || !http_head_is_digit(ch))
            return false;
        status = status * 10 + (unsigned)(ch - '0');
    }
    if (i < len && !http_head_is_ws(http_head_at(line, i)))
        return false; /* "2000" */
    if (status < 100)
        return false;
    sl->status = (uint16_t)status;
    return true;
}

bool http_head_field(const uint8_t *p, size_t len, struct http_bytes *name,
                     struct http_bytes *value)
{
    struct http_bytes line = {p, len};
    size_t i = 0;
    while (i < len && http_head_is_tchar(http_head_at(line, i)))
        i++;
    if (i == 0 || i >= len || http_head_at(line, i) != ':')
        return false;
    *name = http_head_sub(line, 0, i);
    *value = http_head_trim(http_head_sub(line, i + 1, len));
    return true;
}

bool http_head_is_fold(const uint8_t *p, size_t len)
{
    struct http_bytes line = {p, len};
    return len > 0 && http_head_is_ws(http_head_at(line, 0));
}

struct http_bytes http_head_trimmed(const uint8_t *p, size_t len)
{
    struct http_bytes v = {p, len};
    return http_head_trim(v);
}

enum http_header http_head_field_id(struct http_bytes name)
{
    static const struct {
        const char *name;
        enum http_header id;
    } known[] = {
        {"host", HTTP_H_HOST},
        {"user-agent", HTTP_H_USER_AGENT},
        {"referer", HTTP_H_REFERER},
        {"x-forwarded-for", HTTP_H_XFF},
        {"content-type", HTTP_H_CONTENT_TYPE},
        {"location", HTTP_H_LOCATION},
        {"content-length", HTTP_H_CONTENT_LENGTH},
        {"transfer-encoding", HTTP_H_TRANSFER_ENCODING},
        {"content-disposition", HTTP_H_CONTENT_DISPOSITION},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (http_head_eq_ci(name, known[i].name))
            return known[i].id;
    return HTTP_H_OTHER;
}

/* 1*DIGIT, the whole of v, at most 2^63 - 1. */
static enum http_length_result http_head_number(struct http_bytes v, uint64_t *out)
{
    if (v.len == 0)
        return HTTP_LENGTH_INVALID;
    uint64_t n = 0;
    for (size_t i = 0; i < v.len; i++) {
        uint8_t ch = http_head_at(v, i);
        if (!http_head_is_digit(ch))
            return HTTP_LENGTH_INVALID;
        if (n > (UINT64_C(0x7fffffffffffffff) - (uint64_t)(ch - '0')) / 10) {
            /* Keep reading: a later non-digit makes it invalid, not long. */
            for (size_t k = i + 1; k < v.len; k++)
                if (!http_head_is_digit(http_head_at(v, k)))
                    return HTTP_LENGTH_INVALID;
            return HTTP_LENGTH_OVERFLOW;
        }
        n = n * 10 + (uint64_t)(ch - '0');
    }
    *out = n;
    return HTTP_LENGTH_OK;
}

enum http_length_result http_head_content_length(struct http_bytes v, uint64_t *out)
{
    bool has_value = false;
    uint64_t value = 0;
    size_t from = 0;
    for (size_t i = 0; i <= v.len; i++) { /* each element ends at ',' or the end */
        if (i < v.len && http_head_at(v, i) != ',')
            continue;
        uint64_t n = 0;
        enum http_length_result r = http_head_number(http_head_trim(http_head_sub(v, from, i)), &n);
        if (r != HTTP_LENGTH_OK)
            return r;
        if (has_value && n != value)
            return HTTP_LENGTH_INVALID;
        value = n;
        has_value = true;
        from = i + 1;
    }
    *out = value;
    return HTTP_LENGTH_OK;
}

bool http_head_te_is_chunked(struct http_bytes v)
{
    size_t from = 0;
    struct http_bytes last = {NULL, 0};
    for (size_t i = 0; i <= v.len; i++) {
        if (i < v.len && http_head_at(v, i) != ',')
            continue;
        struct http_bytes coding = http_head_trim(http_head_sub(v, from, i));
        if (coding.len > 0)
            last = coding;
        from = i + 1;
    }
    /* A coding may carry parameters ("chunked;x=1" is not valid, but
     * "gzip;q=1" is): compare the name only. */
    size_t n = 0;
    while (n < last.len && http_head_is_tchar(http_head_at(last, n)))
        n++;
    return http_head_eq_ci(http_head_sub(last, 0, n), "chunked");
}

enum http_length_result http_head_chunk_size(const uint8_t *p, size_t len, uint64_t max,
                                             uint64_t *out)
{
    struct http_bytes line = {p, len};
    size_t i = 0;
    while (i < len && http_head_is_ws(http_head_at(line, i)))
        i++;
    size_t start = i;
    uint64_t n = 0;
    bool is_over = false;
    for (; i < len; i++) {
        int d = hex_digit_value(http_head_at(line, i));
        if (d < 0)
            break;
        if (n > (max - (uint64_t)d) / 16)
            is_over = true;
        else
            n = n * 16 + (uint64_t)d;
    }
    if (i == start)
        return HTTP_LENGTH_INVALID;
    while (i < len && http_head_is_ws(http_head_at(line, i)))
        i++;
    if (i < len && http_head_at(line, i) != ';')
        return HTTP_LENGTH_INVALID;
    if (is_over)
        return HTTP_LENGTH_OVERFLOW;
    *out = n;
    return HTTP_LENGTH_OK;
}

void http_head_authority(struct http_bytes a, struct http_bytes *host, bool *has_port,
                         uint16_t *port)
{
    size_t from = 0;
    for (size_t i = 0; i < a.len; i++)
        if (http_head_at(a, i) == '@')
            from = i + 1;
    a = http_head_sub(a, from, a.len);
    size_t end = 0; /* where the host ends */
    if (http_head_at(a, 0) == '[' && a.len > 0) {
        while (end < a.len && http_head_at(a, end) != ']')
            end++;
        end = end < a.len ? end + 1 : a.len;
    } else {
        while (end < a.len && http_head_at(a, end) != ':')
            end++;
    }
    *host = http_head_sub(a, 0, end);
    *has_port = false;
    *port = 0;
    if (end >= a.len || http_head_at(a, end) != ':')
        return;
    struct http_bytes digits = http_head_sub(a, end + 1, a.len);
    uint64_t n = 0;
    if (digits.len >= 1 && digits.len <= 5 && http_head_number(digits, &n) == HTTP_LENGTH_OK &&
        n <= 65535) {
        *has_port = true;
        *port = (uint16_t)n;
    }
}

/* Length of "scheme://" at the start of t, or 0 (RFC 3986 §3.1). */
static size_t http_head_scheme_len(struct http_bytes t)
{
    size_t i = 0;
    while (i < t.len) {
        uint8_t ch = http_head_at(t, i);
        bool is_alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        if (!(is_alpha ||
              (i > 0 && (http_head_is_digit(ch) || ch == '+' || ch == '-' || ch == '.'))))
            break;
        i++;
    }
    if (i == 0 || i + 3 > t.len || http_head_at(t, i) != ':' || http_head_at(t, i + 1) != '/' ||
        http_head_at(t, i + 2) != '/')
        return 0;
    return i + 3;
}

/* End of the authority that starts at from. */
static size_t http_head_authority_end(struct http_bytes t, size_t from)
{
    size_t i = from;
    while (i < t.len) {
        uint8_t ch = http_head_at(t, i);
        if (ch == '/' || ch == '?' || ch == '#')
            break;
        i++;
    }
    return i;
}

bool http_head_target_authority(struct http_bytes target, bool is_connect,
                                struct http_bytes *authority)
{
    size_t s = http_head_scheme_len(target);
    if (s > 0) {
        *authority = http_head_sub(target, s, http_head_authority_end(target, s));
        return authority->len > 0;
    }
    if (is_connect && target.len > 0 && http_head_at(target, 0) != '/') {
        *authority = target;
        return true;
    }
    return false;
}

struct http_bytes http_head_target_path(struct http_bytes target)
{
    size_t from = 0;
    size_t s = http_head_scheme_len(target);
    if (s > 0)
        from = http_head_authority_end(target, s);
    else if (target.len == 0 || http_head_at(target, 0) != '/')
        return http_head_sub(target, 0, 0);
    size_t to = from;
    while (to < target.len && http_head_at(target, to) != '?' && http_head_at(target, to) != '#')
        to++;
    return http_head_sub(target, from, to);
}

bool http_head_cd_filename(struct http_bytes v, struct http_bytes *name)
{
    static const char key[] = "filename=";
    size_t klen = sizeof(key) - 1;
    for (size_t i = 0; i + klen <= v.len; i++) {
        if (!http_head_starts_ci(http_head_sub(v, i, v.len), key))
            continue;
        /* Not the tail of another parameter ("xfilename="). */
        if (i > 0 && http_head_is_tchar(http_head_at(v, i - 1)))
            continue;
        size_t from = i + klen, to = from;
        bool is_quoted = http_head_at(v, from) == '"' && from < v.len;
        if (is_quoted) {
            from++;
            to = from;
            while (to < v.len && http_head_at(v, to) != '"')
                to++;
        } else {
            while (to < v.len && http_head_at(v, to) != ';')
                to++;
        }
        *name = is_quoted ? http_head_sub(v, from, to) : http_head_trim(http_head_sub(v, from, to));
        return name->len > 0;
    }
    return false;
}

struct http_bytes http_head_media_type(struct http_bytes v)
{
    size_t to = 0;
    while (to < v.len && http_head_at(v, to) != ';')
        to++;
    return http_head_sub(v, 0, to);
}
