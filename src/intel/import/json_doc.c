/* json_doc.c — the importers' fast JSON reader (json_doc.h).
 *
 * One forward pass over the text, no recursion: open containers are a
 * stack of node numbers. Strings are decoded into one buffer sized to the
 * text (a decoded string is never longer than its JSON form), and in a
 * strict reading the compact text is written as the tokens go by: a string
 * without escapes is copied as it stands, one with escapes is written again
 * from its decoded bytes with jansson's escaping (\" \\ \b \f \n \r \t,
 * \u00XX for other control characters, everything else as UTF-8).
 * UTF-8 is checked as RFC 3629 defines it, as jansson does.
 */
#include "intel/import/json_doc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"

/* A buffer grown past this for one large text is given back afterwards. */
#define KEEP_BYTES (4u * 1024u * 1024u)

struct reader {
    struct json_doc *d;
    const unsigned char *p, *end;
    bool is_trusted;
    char *out; /* strict: the compact text's end */
};

/* A byte a string can hold without a closer look: printable ASCII other than
 * '"' and '\\' (DEL included, as jansson writes it). */
static bool is_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

void json_doc_init(struct json_doc *d)
{
    memset(d, 0, sizeof *d);
}

void json_doc_fini(struct json_doc *d)
{
    free(d->nodes);
    free(d->strings);
    free(d->compact);
    free(d->stack);
    json_doc_init(d);
}

/* buf reallocated to hold at least need units (*cap updated), or NULL with
 * buf untouched. A buffer grown for one large text is trimmed back when the
 * next one is small; grow (need 0 meaning "one more") doubles. */
static void *resize(void *buf, size_t *cap, size_t need, size_t unit)
{
    bool is_grow = need == 0;
    if (is_grow)
        need = *cap + 1;
    else if (*cap >= need && (*cap * unit <= KEEP_BYTES || need * unit > KEEP_BYTES / 4))
        return buf;
    size_t n = *cap < need ? *cap * 2 : 0;
    n = n > need ? n : need;
    n = n < 256 ? 256 : n;
    void *nb = realloc(buf, n * unit);
    if (nb)
        *cap = n;
    return nb;
}

static void skip_ws(struct reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

static int peek(const struct reader *r)
{
    return r->p < r->end ? *r->p : -1;
}

static void emit(struct reader *r, const void *s, size_t n)
{
    if (!r->is_trusted) {
        memcpy(r->out, s, n);
        r->out += n;
    }
}

static void emit_byte(struct reader *r, char c)
{
    if (!r->is_trusted)
        *r->out++ = c;
}

static int hex4(const unsigned char *p, const unsigned char *end, uint32_t *out)
{
    if (end - p < 4)
        return -EINVAL;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        int d = hex_digit_value(c);
        if (d < 0)
            return -EINVAL;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

static size_t utf8_put(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* The length of the well-formed UTF-8 sequence at p (lead byte >= 0x80),
 * or 0 (RFC 3629 section 4: no overlong forms, no surrogates, at most
 * U+10FFFF). */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return n;
}

/* One escape after the backslash at r->p[-1]: its bytes appended at *t. */
static int read_escape(struct reader *r, char **t)
{
    int c = peek(r);
    static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
    for (size_t i = 0; i + 1 < sizeof simple; i += 2) {
        if (c == simple[i]) {
            *(*t)++ = simple[i + 1];
            r->p++;
            return 0;
        }
    }
    if (c != 'u')
        return -EINVAL;
    uint32_t cp, lo;
    if (hex4(r->p + 1, r->end, &cp) != 0)
        return -EINVAL;
    r->p += 5;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' ||
            hex4(r->p + 2, r->end, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
            return -EINVAL;
        r->p += 6;
        cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    } else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0) {
        return -EINVAL; /* a lone low surrogate; NUL is refused by jansson */
    }
    *t += utf8_put(*t, cp);
    return 0;
}

/* The compact form of a decoded string that had escapes. */
static void emit_escaped(struct reader *r, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    emit_byte(r, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *e = NULL;
        switch (c) {
        case '"':
            e = "\\\"";
            break;
        case '\\':
            e = "\\\\";
            break;
        case '\b':
            e = "\\b";
            break;
        case '\f':
            e = "\\f";
            break;
        case '\n':
            e = "\\n";
            break;
        case '\r':
            e = "\\r";
            break;
        case '\t':
            e = "\\t";
            break;
        default:
            break;
        }
        if (e) {
            emit(r, e, 2);
        } else if (c < 0x20) {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            emit(r, u, 6);
        } else {
            emit_byte(r, (char)c);
        }
    }
    emit_byte(r, '"');
}

/* The string at r->p (its opening quote), decoded into strings. */
static int read_string(struct reader *r, uint32_t *at, uint32_t *len)
{
    struct json_doc *d = r->d;
    const unsigned char *start = ++r->p;
    while (r->p < r->end && is_plain(*r->p))
        r->p++;
    char *t0 = d->strings + d->strings_len, *t = t0;
    if (r->p < r->end && *r->p == '"') {
        size_t n = (size_t)(r->p - start);
        memcpy(t, start, n);
        t += n;
        emit(r, start - 1, n + 2);
        r->p++;
    } else {
        size_t n = (size_t)(r->p - start);
        memcpy(t, start, n);
        t += n;
        bool has_escape = false;
        for (;;) {
            int c = peek(r);
            if (c < 0x20) /* the end of the text, or a control character */
                return -EINVAL;
            if (c == '"')
                break;
            if (c == '\\') {
                has_escape = true;
                r->p++;
                if (read_escape(r, &t) != 0)
                    return -EINVAL;
            } else if (c >= 0x80) {
                size_t k = utf8_len(r->p, r->end);
                if (!k)
                    return -EINVAL;
                memcpy(t, r->p, k);
                t += k;
                r->p += k;
            } else {
                *t++ = (char)c;
                r->p++;
            }
        }
        if (has_escape)
            emit_escaped(r, t0, (size_t)(t - t0));
        else
            emit(r, start - 1, (size_t)(r->p - start) + 2);
        r->p++;
    }
    *t = '\0';
    *at = (uint32_t)d->strings_len;
    *len = (uint32_t)(t - t0);
    d->strings_len += *len + 1;
    return 0;
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* A number (RFC 8259 section 6) into n. */
static int read_number(struct reader *r, struct json_doc_node *n)
{
    const unsigned char *start = r->p;
    bool is_negative = peek(r) == '-';
    r->p += is_negative;
    if (peek(r) == '0')
        r->p++;
    else if (is_digit(peek(r)))
        while (is_digit(peek(r)))
            r->p++;
    else
        return -EINVAL;
    size_t digits = (size_t)(r->p - start) - is_negative;
    int c = peek(r);
    if (c == '.' || c == 'e' || c == 'E') {
        if (!r->is_trusted)
            return -EINVAL; /* jansson writes reals its own way */
        if (c == '.') {
            r->p++;
            if (!is_digit(peek(r)))
                return -EINVAL;
            while (is_digit(peek(r)))
                r->p++;
        }
        if (peek(r) == 'e' || peek(r) == 'E') {
            r->p++;
            if (peek(r) == '+' || peek(r) == '-')
                r->p++;
            if (!is_digit(peek(r)))
                return -EINVAL;
            while (is_digit(peek(r)))
                r->p++;
        }
        size_t k = (size_t)(r->p - start);
        char *t = r->d->strings + r->d->strings_len;
        memcpy(t, start, k);
        t[k] = '\0';
        n->kind = JSON_DOC_REAL;
        n->v.str.at = (uint32_t)r->d->strings_len;
        n->v.str.len = (uint32_t)k;
        r->d->strings_len += k + 1;
        return 0;
    }
    /* 18 digits always fit; "-0" is written "0" by jansson. */
    if (!r->is_trusted && (digits > 18 || (is_negative && start[1] == '0')))
        return -EINVAL;
    uint64_t v = 0;
    for (const unsigned char *q = start + is_negative; q < r->p; q++) {
        unsigned d = (unsigned)(*q - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -EINVAL;
        v = v * 10 + d;
    }
    if (v > (uint64_t)INT64_MAX + is_negative)
        return -EINVAL;
    n->kind = JSON_DOC_INTEGER;
    n->v.integer = is_negative ? (int64_t)(0 - v) : (int64_t)v;
    emit(r, start, (size_t)(r->p - start));
    return 0;
}

static int read_literal(struct reader *r, struct json_doc_node *n)
{
    static const struct {
        const char *text;
        size_t len;
        uint8_t kind;
    } lits[] = {
        {"true", 4, JSON_DOC_TRUE}, {"false", 5, JSON_DOC_FALSE}, {"null", 4, JSON_DOC_NULL}};
    for (size_t i = 0; i < 3; i++) {
        if ((size_t)(r->end - r->p) >= lits[i].len && !memcmp(r->p, lits[i].text, lits[i].len)) {
            n->kind = lits[i].kind;
            emit(r, r->p, lits[i].len);
            r->p += lits[i].len;
            return 0;
        }
    }
    return -EINVAL;
}

/* A new node, linked after `prev` (0: the first child of `parent`). */
static int add_node(struct json_doc *d, uint32_t parent, uint32_t prev, uint32_t *index)
{
    if (d->node_count == d->node_cap) {
        struct json_doc_node *nodes = resize(d->nodes, &d->node_cap, 0, sizeof *nodes);
        if (!nodes)
            return -ENOMEM;
        d->nodes = nodes;
    }
    if (d->node_count >= UINT32_MAX)
        return -EINVAL;
    uint32_t i = (uint32_t)d->node_count++;
    memset(&d->nodes[i], 0, sizeof d->nodes[i]);
    if (prev)
        d->nodes[prev].next = i;
    else if (i)
        d->nodes[parent].first = i;
    *index = i;
    return 0;
}

/* Strict: the key just read (node k) must be new in its object, which may
 * hold at most JSON_DOC_STRICT_MEMBERS members. */
static int check_key(const struct json_doc *d, uint32_t obj, uint32_t k)
{
    const struct json_doc_node *kn = &d->nodes[k];
    const char *key = d->strings + kn->key;
    size_t count = 1;
    for (uint32_t m = d->nodes[obj].first; m && m != k; m = d->nodes[m].next, count++) {
        const struct json_doc_node *mn = &d->nodes[m];
        if (mn->key_len == kn->key_len && !memcmp(d->strings + mn->key, key, kn->key_len))
            return -EINVAL;
    }
    return count > JSON_DOC_STRICT_MEMBERS ? -EINVAL : 0;
}

static int push(struct json_doc *d, size_t depth, uint32_t node)
{
    /* Two words per level: the container and its last child. */
    if (2 * depth + 2 > d->stack_cap) {
        uint32_t *stack = resize(d->stack, &d->stack_cap, 0, sizeof *stack);
        if (!stack)
            return -ENOMEM;
        d->stack = stack;
    }
    d->stack[2 * depth] = node;
    d->stack[2 * depth + 1] = 0;
    return 0;
}

static int read_value(struct reader *r, struct json_doc_node *n)
{
    int c = peek(r);
    if (c == '"') {
        n->kind = JSON_DOC_STRING;
        return read_string(r, &n->v.str.at, &n->v.str.len);
    }
    if (c == '-' || is_digit(c))
        return read_number(r, n);
    return read_literal(r, n);
}

static int parse(struct reader *r)
{
    struct json_doc *d = r->d;
    size_t depth = 0;
    uint32_t key_at = 0, key_len = 0;
    skip_ws(r);
    for (;;) {
        /* A value: the member key_at/key_len of an object, an element, or the root. */
        uint32_t parent = depth ? d->stack[2 * depth - 2] : 0;
        bool is_member = depth && d->nodes[parent].kind == JSON_DOC_OBJECT;
        uint32_t i;
        if (add_node(d, parent, depth ? d->stack[2 * depth - 1] : 0, &i) != 0)
            return -ENOMEM;
        if (depth)
            d->stack[2 * depth - 1] = i;
        d->nodes[i].key = key_at;
        d->nodes[i].key_len = key_len;
        if (is_member && !r->is_trusted && check_key(d, parent, i) != 0)
            return -EINVAL;
        int c = peek(r);
        bool is_open = false;
        if (c == '{' || c == '[') {
            char close = c == '{' ? '}' : ']';
            if (!r->is_trusted && depth >= JSON_DOC_STRICT_DEPTH)
                return -EINVAL;
            d->nodes[i].kind = c == '{' ? JSON_DOC_OBJECT : JSON_DOC_ARRAY;
            emit_byte(r, (char)c);
            r->p++;
            skip_ws(r);
            if (peek(r) == close) {
                emit_byte(r, close);
                r->p++;
            } else {
                if (push(d, depth++, i) != 0)
                    return -ENOMEM;
                is_open = true;
            }
        } else if (read_value(r, &d->nodes[i]) != 0) {
            return -EINVAL;
        }
        /* After a value: ',' and the next one, or the ends of containers. */
        while (!is_open) {
            skip_ws(r);
            if (depth == 0)
                return r->p == r->end ? 0 : -EINVAL;
            c = peek(r);
            char close = d->nodes[d->stack[2 * depth - 2]].kind == JSON_DOC_OBJECT ? '}' : ']';
            if (c == ',') {
                emit_byte(r, ',');
                r->p++;
                skip_ws(r);
                break;
            }
            if (c != close)
                return -EINVAL;
            emit_byte(r, close);
            r->p++;
            depth--;
        }
        key_at = key_len = 0;
        if (d->nodes[d->stack[2 * depth - 2]].kind == JSON_DOC_OBJECT) {
            if (peek(r) != '"' || read_string(r, &key_at, &key_len) != 0)
                return -EINVAL;
            skip_ws(r);
            if (peek(r) != ':')
                return -EINVAL;
            emit_byte(r, ':');
            r->p++;
            skip_ws(r);
        }
    }
}

int json_doc_parse(struct json_doc *d, const char *text, size_t len, unsigned flags)
{
    d->node_count = 0;
    d->strings_len = 0;
    d->compact_len = 0;
    bool is_trusted = flags & JSON_DOC_TRUSTED;
    if (len >= UINT32_MAX)
        return -EINVAL;
    /* Strings and the compact text fit in the text's length: no checks while reading. */
    char *strings = resize(d->strings, &d->strings_cap, len + 1, 1);
    if (strings)
        d->strings = strings;
    char *compact = is_trusted ? d->compact : resize(d->compact, &d->compact_cap, len + 1, 1);
    if (compact)
        d->compact = compact;
    if (!strings || (!is_trusted && !compact))
        return -ENOMEM;
    if (d->node_cap * sizeof *d->nodes > KEEP_BYTES) {
        free(d->nodes);
        d->nodes = NULL;
        d->node_cap = 0;
    }
    struct reader r = {d, (const unsigned char *)text, (const unsigned char *)text + len,
                       is_trusted, d->compact};
    int rc = parse(&r);
    if (rc == 0 && !is_trusted) {
        d->compact_len = (size_t)(r.out - d->compact);
        d->compact[d->compact_len] = '\0';
    }
    if (rc != 0)
        d->node_count = 0;
    return rc;
}

const struct json_doc_node *json_doc_get(const struct json_doc *d, const struct json_doc_node *obj,
                                         const char *key)
{
    if (!obj || obj->kind != JSON_DOC_OBJECT)
        return NULL;
    size_t len = strlen(key);
    for (uint32_t m = obj->first; m; m = d->nodes[m].next) {
        const struct json_doc_node *n = &d->nodes[m];
        if (n->key_len == len && !memcmp(d->strings + n->key, key, len))
            return n;
    }
    return NULL;
}
