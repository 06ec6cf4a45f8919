/* json_doc.h — one JSON text (RFC 8259) read into a flat, read-only tree,
 * the fast path of the importers before jansson.
 *
 * A strict reading accepts only what jansson (with JSON_REJECT_DUPLICATES)
 * accepts and reads the same way, and writes beside the tree the compact
 * text json_dumps(…, JSON_COMPACT) would write for it. What it cannot
 * promise that for — real numbers, integers of 19 digits or more, "-0",
 * nesting deeper than JSON_DOC_STRICT_DEPTH, objects of more than
 * JSON_DOC_STRICT_MEMBERS members — and every malformed text is refused
 * (-EINVAL): the caller then asks jansson, which reports the error or, for
 * valid text, re-serialises it; that compact text is read again here with
 * JSON_DOC_TRUSTED. Memory is reused from one text to the next.
 * Not a general JSON library: no writing, no editing, no streaming.
 */
#ifndef HRADBA_INTEL_IMPORT_JSON_DOC_H
#define HRADBA_INTEL_IMPORT_JSON_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_DOC_STRICT_DEPTH 64u
#define JSON_DOC_STRICT_MEMBERS 64u

/* Flags of json_doc_parse. */
#define JSON_DOC_TRUSTED                                                                           \
    1u /* the text is jansson's compact output: reals, long integers,                              \
          any depth and member count are read, duplicates are not                                  \
          looked for, and no compact copy is made */

enum json_doc_kind {
    JSON_DOC_NULL = 0,
    JSON_DOC_FALSE,
    JSON_DOC_TRUE,
    JSON_DOC_INTEGER,
    JSON_DOC_REAL, /* TRUSTED only; its text is kept as the string */
    JSON_DOC_STRING,
    JSON_DOC_ARRAY,
    JSON_DOC_OBJECT,
};

/* One value. Nodes are numbered in document order; 0 is the root, so 0 also
 * means "none" for next and first. */
struct json_doc_node {
    uint8_t kind;
    uint32_t key, key_len; /* a member's key in strings (decoded), else 0 */
    uint32_t next;         /* the next element or member of the parent */
    uint32_t first;        /* the first element or member of a container */
    union {
        struct {
            uint32_t at, len; /* a string's decoded value in strings, NUL-terminated */
        } str;
        int64_t integer;
    } v;
};

struct json_doc {
    struct json_doc_node *nodes;
    size_t node_count, node_cap;
    char *strings; /* keys and string values, each NUL-terminated */
    size_t strings_len, strings_cap;
    char *compact; /* strict reading: the compact text, NUL-terminated */
    size_t compact_len, compact_cap;
    uint32_t *stack; /* open containers while reading */
    size_t stack_cap;
};

void json_doc_init(struct json_doc *d);
void json_doc_fini(struct json_doc *d);

/* Reads text[0 .. len): 0, -EINVAL when the text is refused (see above) or
 * -ENOMEM. The tree replaces the previous one. */
int json_doc_parse(struct json_doc *d, const char *text, size_t len, unsigned flags);

/* Accessors in jansson's manner: NULL and wrong kinds give NULL / 0 / false. */
static inline const struct json_doc_node *json_doc_root(const struct json_doc *d)
{
    return d->node_count ? &d->nodes[0] : NULL;
}

/* The member `key` of an object, or NULL. */
const struct json_doc_node *json_doc_get(const struct json_doc *d, const struct json_doc_node *obj,
                                         const char *key);

/* The first element or member of a container, the next one after n; NULL
 * at the end (and for anything not a container). */
static inline const struct json_doc_node *json_doc_first(const struct json_doc *d,
                                                         const struct json_doc_node *n)
{
    return n && (n->kind == JSON_DOC_ARRAY || n->kind == JSON_DOC_OBJECT) && n->first
               ? &d->nodes[n->first]
               : NULL;
}

static inline const struct json_doc_node *json_doc_next(const struct json_doc *d,
                                                        const struct json_doc_node *n)
{
    return n->next ? &d->nodes[n->next] : NULL;
}

static inline bool json_doc_is(const struct json_doc_node *n, enum json_doc_kind k)
{
    return n && n->kind == k;
}

/* A string's value, or NULL for anything else. */
static inline const char *json_doc_str(const struct json_doc *d, const struct json_doc_node *n)
{
    return n && n->kind == JSON_DOC_STRING ? d->strings + n->v.str.at : NULL;
}

/* The string member `key`, or NULL. */
static inline const char *json_doc_get_str(const struct json_doc *d,
                                           const struct json_doc_node *obj, const char *key)
{
    return json_doc_str(d, json_doc_get(d, obj, key));
}

/* An integer's value, else 0. */
static inline int64_t json_doc_int(const struct json_doc_node *n)
{
    return n && n->kind == JSON_DOC_INTEGER ? n->v.integer : 0;
}

#endif
