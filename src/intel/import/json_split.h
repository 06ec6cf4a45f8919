/* json_split.h — a streaming splitter of JSON text (RFC 8259) into values.
 *
 * The importers never load a whole file: they feed it here in chunks, and a
 * classify callback decides, for each value the splitter reaches, whether to
 * descend into it (a bundle, its "objects" array, a MISP event), to collect
 * it whole for a parser (one STIX object, one MISP attribute) or to skip it.
 * Only collected values are buffered, each up to a limit. The scanner tracks
 * strings, escapes and nesting with counters, never by recursion, so depth
 * costs nothing. It does not validate what it collects: the parser
 * (json_doc.h, jansson) does.
 * Sans-I/O: bytes in, callbacks out; it allocates only the collect buffer.
 */
#ifndef HRADBA_INTEL_IMPORT_JSON_SPLIT_H
#define HRADBA_INTEL_IMPORT_JSON_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Containers the splitter can descend into, nested (a MISP search result is
 * root → "response" → [i] → "Event" → "Attribute" → [j]). */
#define JSON_SPLIT_MAX_LEVELS 8u
/* Member keys longer than this are kept truncated and flagged. */
#define JSON_SPLIT_KEY_MAX 64u
/* The top-level "type" string of a collected object, for the caller's
 * routing without parsing (e.g. only relationships in the first pass). */
#define JSON_SPLIT_TYPE_MAX 64u

/* json_split_feed()'s code when classify returned JSON_SPLIT_STOP. */
#define JSON_SPLIT_STOPPED 1

enum json_split_action {
    JSON_SPLIT_SKIP = 0, /* scan past the value, keep nothing */
    JSON_SPLIT_EMIT,     /* collect the value's text and hand it to on_value */
    JSON_SPLIT_DESCEND,  /* an object or array: classify each member / element */
    JSON_SPLIT_STOP,     /* stop splitting (a probe has seen enough) */
};

/* One container the splitter descended into. */
struct json_split_level {
    uint8_t kind;  /* '{' or '[' */
    uint8_t state; /* scanner state (private) */
    bool is_key_long;
    char key[JSON_SPLIT_KEY_MAX]; /* object: the current member's key as written
                                     (escapes are not decoded), NUL-terminated */
    size_t key_len;
    uint64_t index; /* index of the current member or element */
};

/* The value being classified or delivered. */
struct json_split_value {
    unsigned depth;                        /* containers above: levels[0 .. depth) */
    const struct json_split_level *levels; /* levels[depth - 1] holds this value */
    uint8_t first;                         /* its first byte: '{', '[', '"', '-', digit, t/f/n */
    uint64_t offset;                       /* byte offset of that byte in the input */
    uint64_t line;                         /* 1-based line of that byte */
    /* on_value only: */
    const char *text; /* the value's text, not NUL-terminated; NULL when the
                         value was longer than the limit (then skipped) */
    size_t len;       /* its length in bytes (also when text is NULL) */
    const char *type; /* an object's top-level "type" string as written, or "" */
};

struct json_split_callbacks {
    enum json_split_action (*classify)(void *ctx, const struct json_split_value *v);
    /* A collected value; return 0 to go on, nonzero to stop (returned by feed). */
    int (*on_value)(void *ctx, const struct json_split_value *v);
};

struct json_split {
    struct json_split_callbacks cb;
    void *ctx;
    size_t max_value_len;
    uint64_t offset; /* bytes consumed */
    uint64_t line;
    uint8_t root_state;
    bool has_bom_check;
    int rc; /* sticky: 0, JSON_SPLIT_STOPPED, a callback code or -EINVAL */
    unsigned depth;
    struct json_split_level levels[JSON_SPLIT_MAX_LEVELS];
    /* The value being collected or skipped. */
    struct {
        bool is_active, is_store, is_too_large, is_scalar, in_string, is_escape;
        uint8_t first;
        uint64_t depth, len, offset, line;
        size_t chunk_start; /* where it starts in the current chunk, or SIZE_MAX */
        uint8_t th_state;   /* top-level "type" tracking */
        bool th_key_is_type;
        size_t th_key_len;
        char th_key[8];
        size_t type_len;
        char type[JSON_SPLIT_TYPE_MAX];
    } cap;
    uint8_t *buf;
    size_t buf_len, buf_cap;
    /* Statistics: the largest collected value and the largest buffer held. */
    uint64_t max_value_seen;
    size_t buf_peak;
    /* After -EINVAL: what and where. */
    char error[192];
    uint64_t error_offset, error_line;
};

/* max_value_len: a longer value is not collected (on_value gets text NULL). */
void json_split_init(struct json_split *s, const struct json_split_callbacks *cb, void *ctx,
                     size_t max_value_len);
/* Frees the buffer; the splitter can be initialised again. */
void json_split_fini(struct json_split *s);

/* Consumes p[0 .. n). Returns 0, JSON_SPLIT_STOPPED, on_value's nonzero code
 * or -EINVAL when the text is not JSON at the levels the splitter reads (the
 * message and position are in s->error*). Every later call returns the same. */
int json_split_feed(struct json_split *s, const uint8_t *p, size_t n);
/* End of input. 0, or -EINVAL when it ended inside a value (a truncated file)
 * or held no value at all. */
int json_split_finish(struct json_split *s);

#endif
