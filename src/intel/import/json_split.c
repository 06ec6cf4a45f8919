/* json_split.c — the streaming JSON splitter (json_split.h).
 *
 * Two layers of state. Containers the caller descends into are levels with a
 * small state machine each (key, colon, value, comma); any other value is
 * "captured": scanned to its end with a depth counter and a string/escape
 * flag, and kept in the buffer when the caller asked for it. Neither layer
 * recurses, and only the capture buffer grows, up to max_value_len.
 */
#include "intel/import/json_split.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    ROOT_VALUE = 0, /* waiting for the top-level value */
    ROOT_DONE,      /* only whitespace may follow */
};

enum {
    LV_OBJ_KEY_OR_END = 0,
    LV_OBJ_KEY,
    LV_OBJ_IN_KEY,
    LV_OBJ_IN_KEY_ESC,
    LV_OBJ_COLON,
    LV_OBJ_VALUE,
    LV_OBJ_COMMA_OR_END,
    LV_ARR_VALUE_OR_END,
    LV_ARR_VALUE,
    LV_ARR_COMMA_OR_END,
};

/* Tracking of a captured object's top-level "type" member. */
enum { TH_KEY = 0, TH_IN_KEY, TH_COLON, TH_VALUE, TH_IN_TYPE, TH_OTHER, TH_DONE };

#define BUF_MIN (64u * 1024u)
#define BUF_KEEP (4u * 1024u * 1024u) /* a larger buffer is freed after its value */

void json_split_init(struct json_split *s, const struct json_split_callbacks *cb, void *ctx,
                     size_t max_value_len)
{
    memset(s, 0, sizeof *s);
    s->cb = *cb;
    s->ctx = ctx;
    s->max_value_len = max_value_len;
    s->line = 1;
}

void json_split_fini(struct json_split *s)
{
    free(s->buf);
    s->buf = NULL;
    s->buf_len = s->buf_cap = 0;
}

static bool is_ws(uint8_t b)
{
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
}

static bool is_scalar_char(uint8_t b)
{
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '-' ||
           b == '+' || b == '.';
}

static bool is_value_start(uint8_t b)
{
    return b == '{' || b == '[' || b == '"' || b == '-' || (b >= '0' && b <= '9') || b == 't' ||
           b == 'f' || b == 'n';
}

static void fail(struct json_split *s, uint64_t offset, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(struct json_split *s, uint64_t offset, uint64_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    s->error_offset = offset;
    s->error_line = line;
    s->rc = -EINVAL;
}

static const char *byte_name(uint8_t b, char out[8])
{
    if (b >= 0x21 && b < 0x7f)
        snprintf(out, 8, "'%c'", b);
    else
        snprintf(out, 8, "0x%02x", b);
    return out;
}

/* Appends to the collect buffer; false when the value is over the limit. */
static bool buf_append(struct json_split *s, const uint8_t *p, size_t n)
{
    if (n > s->max_value_len - s->buf_len)
        return false;
    if (s->buf_len + n > s->buf_cap) {
        size_t cap = s->buf_cap ? s->buf_cap : BUF_MIN;
        while (cap < s->buf_len + n)
            cap *= 2;
        if (cap > s->max_value_len)
            cap = s->max_value_len;
        uint8_t *nb = realloc(s->buf, cap);
        if (!nb)
            return false;
        s->buf = nb;
        s->buf_cap = cap;
        if (cap > s->buf_peak)
            s->buf_peak = cap;
    }
    memcpy(s->buf + s->buf_len, p, n);
    s->buf_len += n;
    return true;
}

/* The part of the current chunk that belongs to the captured value goes to
 * the buffer (or is only counted). */
static void cap_flush(struct json_split *s, const uint8_t *p, size_t end)
{
    size_t start = s->cap.chunk_start == SIZE_MAX ? 0 : s->cap.chunk_start;
    size_t n = end - start;
    if (n && s->cap.is_store && !s->cap.is_too_large && !buf_append(s, p + start, n)) {
        s->cap.is_too_large = true;
        s->buf_len = 0;
    }
    s->cap.len += n;
    s->cap.chunk_start = SIZE_MAX;
}

static void value_done_in_parent(struct json_split *s)
{
    if (s->depth == 0) {
        s->root_state = ROOT_DONE;
        return;
    }
    struct json_split_level *lv = &s->levels[s->depth - 1];
    lv->state = lv->kind == '{' ? LV_OBJ_COMMA_OR_END : LV_ARR_COMMA_OR_END;
}

static struct json_split_value value_here(const struct json_split *s, uint8_t first,
                                          uint64_t offset, uint64_t line)
{
    struct json_split_value v = {s->depth, s->levels, first, offset, line, NULL, 0, ""};
    return v;
}

/* The captured value ends just before p[end]. */
static size_t cap_complete(struct json_split *s, const uint8_t *p, size_t end)
{
    struct json_split_value v = value_here(s, s->cap.first, s->cap.offset, s->cap.line);
    bool is_direct = s->cap.chunk_start != SIZE_MAX && s->buf_len == 0 && !s->cap.is_too_large;
    size_t start = is_direct ? s->cap.chunk_start : 0;
    if (is_direct) {
        s->cap.len = end - start;
        if (s->cap.len > s->max_value_len)
            s->cap.is_too_large = true;
        v.text = (const char *)p + start;
    } else {
        cap_flush(s, p, end);
        v.text = (const char *)s->buf;
    }
    s->cap.is_active = false;
    v.len = (size_t)s->cap.len;
    v.type = s->cap.type;
    if (s->cap.is_too_large)
        v.text = NULL;
    if (s->cap.is_store) {
        if (v.text && s->cap.len > s->max_value_seen)
            s->max_value_seen = s->cap.len;
        int rc = s->cb.on_value ? s->cb.on_value(s->ctx, &v) : 0;
        if (rc)
            s->rc = rc;
    }
    s->buf_len = 0;
    if (s->buf_cap > BUF_KEEP) {
        free(s->buf);
        s->buf = NULL;
        s->buf_cap = 0;
    }
    return end;
}

static void th_string_byte(struct json_split *s, uint8_t b)
{
    if (s->cap.th_state == TH_IN_KEY) {
        if (s->cap.th_key_len < sizeof s->cap.th_key)
            s->cap.th_key[s->cap.th_key_len] = (char)b;
        s->cap.th_key_len++;
    } else if (s->cap.th_state == TH_IN_TYPE && s->cap.type_len + 1 < JSON_SPLIT_TYPE_MAX) {
        s->cap.type[s->cap.type_len++] = (char)b;
    }
}

/* A structural byte at depth 1 of a captured object: follows its keys so
 * the top-level "type" string is known without parsing. */
static void th_structure(struct json_split *s, uint8_t b)
{
    uint8_t *st = &s->cap.th_state;
    if (b == '"') {
        if (*st == TH_KEY) {
            *st = TH_IN_KEY;
            s->cap.th_key_len = 0;
        } else if (*st == TH_VALUE) {
            *st = s->cap.th_key_is_type ? TH_IN_TYPE : TH_OTHER;
            s->cap.type_len = 0;
        }
    } else if (b == ':' && *st == TH_COLON) {
        *st = TH_VALUE;
    } else if (b == ',') {
        *st = TH_KEY;
    } else if (*st == TH_VALUE && !is_ws(b)) {
        *st = TH_OTHER;
    }
}

static void th_string_end(struct json_split *s)
{
    if (s->cap.th_state == TH_IN_KEY) {
        s->cap.th_key_is_type = s->cap.th_key_len == 4 && memcmp(s->cap.th_key, "type", 4) == 0;
        s->cap.th_state = TH_COLON;
    } else if (s->cap.th_state == TH_IN_TYPE) {
        s->cap.type[s->cap.type_len] = '\0';
        s->cap.th_state = TH_DONE;
    }
}

/* Whether any byte of the 8 in w equals c (the classic has-zero-byte test
 * on w ^ c repeated). */
static uint64_t has_byte(uint64_t w, uint8_t c)
{
    uint64_t x = w ^ (0x0101010101010101ull * c);
    return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

/* Inside a string: the first of '"', '\\' or a newline at or after p[i]
 * (n when none); eight bytes at a time, since strings are most of a STIX
 * object. */
static size_t skip_string_bytes(const uint8_t *p, size_t n, size_t i)
{
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (has_byte(w, '"') | has_byte(w, '\\') | has_byte(w, '\n'))
            break;
    }
    while (i < n && p[i] != '"' && p[i] != '\\' && p[i] != '\n')
        i++;
    return i;
}

/* Scans the captured value from p[i]; returns where it stopped. */
static size_t cap_scan(struct json_split *s, const uint8_t *p, size_t n, size_t i)
{
    if (s->cap.is_scalar) {
        while (i < n && is_scalar_char(p[i]))
            i++;
        return i < n ? cap_complete(s, p, i) : n;
    }
    bool is_tracking = s->cap.first == '{' && s->cap.th_state != TH_DONE;
    for (; i < n; i++) {
        if (s->cap.in_string && !s->cap.is_escape &&
            !(is_tracking && s->cap.depth == 1 &&
              (s->cap.th_state == TH_IN_KEY || s->cap.th_state == TH_IN_TYPE))) {
            i = skip_string_bytes(p, n, i);
            if (i == n)
                break;
        }
        uint8_t b = p[i];
        if (b == '\n')
            s->line++;
        if (s->cap.in_string) {
            if (s->cap.is_escape) {
                s->cap.is_escape = false;
            } else if (b == '\\') {
                s->cap.is_escape = true;
            } else if (b == '"') {
                s->cap.in_string = false;
                if (s->cap.depth == 0)
                    return cap_complete(s, p, i + 1);
                if (is_tracking && s->cap.depth == 1) {
                    th_string_end(s);
                    is_tracking = s->cap.th_state != TH_DONE;
                }
                continue;
            }
            if (is_tracking && s->cap.depth == 1)
                th_string_byte(s, b);
            continue;
        }
        if (b == '"') {
            s->cap.in_string = true;
        } else if (b == '{' || b == '[') {
            s->cap.depth++;
        } else if (b == '}' || b == ']') {
            if (--s->cap.depth == 0)
                return cap_complete(s, p, i + 1);
            continue;
        }
        if (is_tracking && (s->cap.depth == 1 || (s->cap.depth == 2 && (b == '{' || b == '['))))
            th_structure(s, b);
    }
    return n;
}

static void cap_start(struct json_split *s, uint8_t first, size_t i, uint64_t offset, bool store)
{
    memset(&s->cap, 0, sizeof s->cap);
    s->cap.is_active = true;
    s->cap.is_store = store;
    s->cap.first = first;
    s->cap.is_scalar = first != '{' && first != '[' && first != '"';
    s->cap.offset = offset;
    s->cap.line = s->line;
    s->cap.chunk_start = i;
    s->buf_len = 0;
}

/* A value starts at p[i]: classify it. Returns where scanning goes on. */
static size_t value_start(struct json_split *s, const uint8_t *p, size_t i, uint64_t offset)
{
    uint8_t b = p[i];
    char name[8];
    if (!is_value_start(b)) {
        fail(s, offset, s->line, "unexpected %s where a value was expected", byte_name(b, name));
        return i;
    }
    struct json_split_value v = value_here(s, b, offset, s->line);
    enum json_split_action a = s->cb.classify(s->ctx, &v);
    if (a == JSON_SPLIT_STOP) {
        s->rc = JSON_SPLIT_STOPPED;
        return i;
    }
    value_done_in_parent(s);
    if (a == JSON_SPLIT_DESCEND && (b == '{' || b == '[') && s->depth < JSON_SPLIT_MAX_LEVELS) {
        struct json_split_level *lv = &s->levels[s->depth++];
        memset(lv, 0, sizeof *lv);
        lv->kind = b;
        lv->state = b == '{' ? LV_OBJ_KEY_OR_END : LV_ARR_VALUE_OR_END;
        return i + 1;
    }
    cap_start(s, b, i, offset, a == JSON_SPLIT_EMIT);
    return i;
}

static void key_byte(struct json_split_level *lv, uint8_t b)
{
    if (lv->key_len + 1 < JSON_SPLIT_KEY_MAX)
        lv->key[lv->key_len++] = (char)b;
    else
        lv->is_key_long = true;
    lv->key[lv->key_len] = '\0';
}

static size_t close_level(struct json_split *s, size_t i)
{
    s->depth--;
    return i + 1;
}

/* One byte of structure inside a level the caller descended into. */
static size_t level_byte(struct json_split *s, const uint8_t *p, size_t i, uint64_t offset)
{
    struct json_split_level *lv = &s->levels[s->depth - 1];
    uint8_t b = p[i];
    char name[8];
    if (lv->state == LV_OBJ_IN_KEY || lv->state == LV_OBJ_IN_KEY_ESC) {
        if (lv->state == LV_OBJ_IN_KEY && b == '"') {
            lv->state = LV_OBJ_COLON;
            return i + 1;
        }
        lv->state = lv->state == LV_OBJ_IN_KEY && b == '\\' ? LV_OBJ_IN_KEY_ESC : LV_OBJ_IN_KEY;
        key_byte(lv, b);
        return i + 1;
    }
    if (is_ws(b)) {
        s->line += b == '\n';
        return i + 1;
    }
    switch (lv->state) {
    case LV_OBJ_KEY_OR_END:
    case LV_OBJ_KEY:
        if (b == '}' && lv->state == LV_OBJ_KEY_OR_END)
            return close_level(s, i);
        if (b != '"')
            break;
        lv->state = LV_OBJ_IN_KEY;
        lv->key_len = 0;
        lv->key[0] = '\0';
        lv->is_key_long = false;
        return i + 1;
    case LV_OBJ_COLON:
        if (b != ':')
            break;
        lv->state = LV_OBJ_VALUE;
        return i + 1;
    case LV_ARR_VALUE_OR_END:
        if (b == ']')
            return close_level(s, i);
        return value_start(s, p, i, offset);
    case LV_OBJ_VALUE:
    case LV_ARR_VALUE:
        return value_start(s, p, i, offset);
    case LV_OBJ_COMMA_OR_END:
    case LV_ARR_COMMA_OR_END:
        if (b == (lv->kind == '{' ? '}' : ']'))
            return close_level(s, i);
        if (b != ',')
            break;
        lv->state = lv->kind == '{' ? LV_OBJ_KEY : LV_ARR_VALUE;
        lv->index++;
        return i + 1;
    default:
        break;
    }
    static const char *const expected[] = {
        [LV_OBJ_KEY_OR_END] = "a key or '}'", [LV_OBJ_KEY] = "a key after ','",
        [LV_OBJ_COLON] = "':' after the key", [LV_OBJ_COMMA_OR_END] = "',' or '}'",
        [LV_ARR_COMMA_OR_END] = "',' or ']'",
    };
    fail(s, offset, s->line, "expected %s, found %s", expected[lv->state], byte_name(b, name));
    return i;
}

int json_split_feed(struct json_split *s, const uint8_t *p, size_t n)
{
    if (s->rc)
        return s->rc;
    size_t i = 0;
    static const uint8_t bom[3] = {0xef, 0xbb, 0xbf}; /* UTF-8 byte order mark */
    while (!s->has_bom_check && i < n) {
        uint64_t at = s->offset + i;
        if (at < 3 && p[i] == bom[at]) {
            i++;
            s->has_bom_check = at == 2;
        } else {
            s->has_bom_check = true;
        }
    }
    while (i < n && s->rc == 0) {
        uint64_t offset = s->offset + i;
        if (s->cap.is_active) {
            i = cap_scan(s, p, n, i);
        } else if (s->depth > 0) {
            i = level_byte(s, p, i, offset);
        } else if (is_ws(p[i])) {
            s->line += p[i] == '\n';
            i++;
        } else if (s->root_state == ROOT_VALUE) {
            i = value_start(s, p, i, offset);
        } else {
            fail(s, offset, s->line, "data after the end of the JSON text");
        }
    }
    if (s->cap.is_active && s->rc == 0)
        cap_flush(s, p, n);
    s->offset += n;
    return s->rc;
}

int json_split_finish(struct json_split *s)
{
    if (s->rc)
        return s->rc < 0 ? s->rc : 0;
    if (s->cap.is_active && s->cap.is_scalar) {
        cap_complete(s, NULL, 0);
        return s->rc < 0 ? s->rc : 0;
    }
    if (s->cap.is_active) {
        const char *what = s->cap.in_string ? "a string" : "a value";
        if (!s->cap.in_string && s->cap.first == '{')
            what = "an object";
        else if (!s->cap.in_string && s->cap.first == '[')
            what = "an array";
        fail(s, s->offset, s->line,
             "the input ends inside %s (the value began at offset %llu, line %llu, nesting depth "
             "%llu): the file looks truncated",
             what, (unsigned long long)s->cap.offset, (unsigned long long)s->cap.line,
             (unsigned long long)s->cap.depth);
    } else if (s->depth > 0) {
        fail(s, s->offset, s->line,
             "the input ends inside %u open container%s (an %s): the file looks truncated",
             s->depth, s->depth == 1 ? "" : "s",
             s->levels[s->depth - 1].kind == '{' ? "object" : "array");
    } else if (s->root_state == ROOT_VALUE) {
        fail(s, s->offset, s->line, "no JSON value in the input");
    }
    return s->rc < 0 ? s->rc : 0;
}
