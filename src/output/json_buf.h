/* json_buf.h — a small append-only JSON writer for event lines.
 *
 * The hot path writes one object per event; a general JSON library would
 * build a tree first. This writes straight into a growable buffer, escapes
 * strings per RFC 8259 (invalid UTF-8 bytes become \u00XX, as Suricata does),
 * and inserts commas itself. Allocation failure is sticky: json_buf_ok()
 * reports it once at the end.
 */
#ifndef HRADBA_OUTPUT_JSON_BUF_H
#define HRADBA_OUTPUT_JSON_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { JSON_BUF_MAX_DEPTH = 16 };

struct json_buf {
    char *data;
    size_t len;
    size_t cap;
    bool is_oom;
    bool is_misused; /* nesting deeper than JSON_BUF_MAX_DEPTH, or a close without an open */
    uint8_t depth;
    bool need_comma[JSON_BUF_MAX_DEPTH];
};

/* data stays NUL-terminated after every call (once anything was written),
 * so a finished line can be handed on as a C string too. */
void json_buf_init(struct json_buf *b);
void json_buf_fini(struct json_buf *b);
/* Empties the buffer, keeping its memory, and clears the error flags. */
void json_buf_reset(struct json_buf *b);
/* False after an allocation failure or misuse since the last reset; the
 * text is then incomplete and must be dropped. */
bool json_buf_ok(const struct json_buf *b);

/* Containers. A key of NULL means "array element" / "top level". */
void json_buf_open_object(struct json_buf *b, const char *key);
void json_buf_close_object(struct json_buf *b);
void json_buf_open_array(struct json_buf *b, const char *key);
void json_buf_close_array(struct json_buf *b);

void json_buf_string(struct json_buf *b, const char *key, const char *s);
/* A string of n bytes that need not be NUL-terminated nor valid UTF-8. */
void json_buf_string_n(struct json_buf *b, const char *key, const void *s, size_t n);
void json_buf_u64(struct json_buf *b, const char *key, uint64_t v);
void json_buf_i64(struct json_buf *b, const char *key, int64_t v);
/* Shortest text that reads back as v; NaN and infinities become null,
 * which JSON has no numbers for. Assumes the "C" numeric locale. */
void json_buf_double(struct json_buf *b, const char *key, double v);
void json_buf_bool(struct json_buf *b, const char *key, bool v);
/* Raw, already-valid JSON text (e.g. a preformatted timestamp string with quotes). */
void json_buf_raw(struct json_buf *b, const char *key, const char *json, size_t n);

/* Appends "\n". Call after closing the top-level object. */
void json_buf_newline(struct json_buf *b);

#endif
