/* csv_list.c — CSV (RFC 4180) and plain lists of indicator values.
 *
 * A streaming record reader (quoted fields across lines, "" escapes, CRLF or
 * LF, a UTF-8 byte order mark, '#' comment lines, blank lines) hands each row
 * to the converter: the value, its type (a fixed type, a type column, or a
 * guess from the value's look), an optional comment. Each row becomes a STIX
 * pattern (misp_types.h) with a UUIDv5 id over source, type and value, so
 * re-importing a list keeps its ids. A bad row costs one error with its line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intel/import/import_id.h"
#include "intel/import/import_internal.h"
#include "intel/import/import_time.h"
#include "intel/import/misp_types.h"

#define CSV_RECORD_MAX (64u * 1024u)
#define CSV_FIELDS_MAX 256u

enum { CSV_FIELD_START = 0, CSV_UNQUOTED, CSV_QUOTED, CSV_QUOTE_IN_QUOTED, CSV_COMMENT };

struct csv_file {
    struct intel_import *im;
    char delimiter; /* 0: the whole line is the value */
    int state;
    bool in_record, is_too_long, is_bad_quote, is_header_pending, is_header_bad;
    char *rec; /* fields, each NUL-terminated */
    size_t rec_len;
    size_t starts[CSV_FIELDS_MAX];
    size_t field_count;
    bool is_too_many;
    uint64_t offset, line, rec_offset, rec_line;
    int value_col, type_col, comment_col;
    struct strbuf pattern, norm, value;
};

/* --- Rows ---------------------------------------------------------------- */

static void row_error(struct csv_file *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void row_error(struct csv_file *f, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    import_error(f->im, IC_ERR_CSV_BAD_ROW, f->rec_offset, f->rec_line, NULL, "CSV line %llu: %s",
                 (unsigned long long)f->rec_line, msg);
}

/* Column of a header name (case-insensitive), or -1. */
static int header_column(char **fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(fields[i], name))
            return (int)i;
    return -1;
}

static void header_row(struct csv_file *f, char **fields, size_t n)
{
    const struct intel_import_csv *c = &f->im->opt.csv;
    const char *names[3] = {c->value_name, c->type_name, c->comment_name};
    int *cols[3] = {&f->value_col, &f->type_col, &f->comment_col};
    for (int k = 0; k < 3; k++) {
        if (!names[k][0])
            continue;
        *cols[k] = header_column(fields, n, names[k]);
        if (*cols[k] < 0) {
            row_error(f, "the header has no column named '%s': nothing imported", names[k]);
            f->is_header_bad = true;
        }
    }
}

/* Replaces the usual defanging ("hxxp", "[.]", "(.)", "[:]", "[@]") in place;
 * true when something was replaced. */
static bool refang(struct strbuf *v)
{
    static const char *const from[] = {"[.]", "(.)", "{.}", "[dot]", "[:]", "[@]", "[at]"};
    static const char to[] = {'.', '.', '.', '.', ':', '@', '@'};
    bool changed = false;
    if (v->len >= 4 && !strncasecmp(v->p, "hxxp", 4)) {
        v->p[1] = v->p[2] = v->p[0] == 'H' ? 'T' : 't';
        changed = true;
    }
    size_t out = 0;
    for (size_t i = 0; i < v->len;) {
        size_t k = 0;
        for (; k < sizeof to; k++)
            if (!strncasecmp(v->p + i, from[k], strlen(from[k])))
                break;
        if (k < sizeof to) {
            v->p[out++] = to[k];
            i += strlen(from[k]);
            changed = true;
        } else {
            v->p[out++] = v->p[i++];
        }
    }
    v->len = out;
    v->p[out] = '\0';
    return changed;
}

/* The row's type: the type column, else the fixed type, else a guess. */
static const struct misp_type *row_type(struct csv_file *f, char **fields, size_t n,
                                        const char **name)
{
    const char *t = f->type_col >= 0 && (size_t)f->type_col < n && fields[f->type_col][0]
                        ? fields[f->type_col]
                        : f->im->opt.csv.type;
    *name = t;
    if (!t || !*t) {
        f->im->counters[IC_CSV_GUESSED]++;
        return misp_type_guess(f->value.p);
    }
    const struct misp_type *type = misp_type_find(t);
    if (!type) { /* CSV names are case-insensitive ("MD5", "Domain") */
        char lower[64];
        size_t i = 0;
        for (; t[i] && i + 1 < sizeof lower; i++)
            lower[i] = t[i] >= 'A' && t[i] <= 'Z' ? (char)(t[i] - 'A' + 'a') : t[i];
        lower[i] = '\0';
        type = misp_type_find(lower);
    }
    return type;
}

static char *row_json(const struct intel_indicator *ind, const char *type)
{
    char created[IMPORT_TIME_TEXT_MAX];
    import_time_format(ind->created_us, created);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "indicator",
                          "spec_version", "2.1", "id", ind->stix_id, "created", created, "modified",
                          created, "pattern", ind->pattern, "pattern_type", "stix",
                          "pattern_version", "2.1", "valid_from", created);
    if (!o)
        return NULL;
    if (ind->description)
        json_object_set_new(o, "description", json_string(ind->description));
    if (ind->confidence >= 0)
        json_object_set_new(o, "confidence", json_integer(ind->confidence));
    json_object_set_new(o, "x_hradba_list_type", json_string(type));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

static int row_deliver(struct csv_file *f, const struct misp_type *t, const char *comment)
{
    struct intel_import *im = f->im;
    struct intel_indicator ind;
    memset(&ind, 0, sizeof ind);
    ind.source = import_default_source(im);
    const char *canon = misp_type_canonical(t);
    struct strbuf *name = &im->text;
    strbuf_reset(name);
    strbuf_addf(name, "%s\n%s\n%s", ind.source, canon, strbuf_cstr(&f->norm));
    char uuid[IMPORT_ID_UUID_LEN + 1], id[IMPORT_ID_STIX_MAX];
    if (name->is_failed || import_id_uuid5(name->p, name->len, uuid) != 0) {
        row_error(f, "cannot make an id");
        return 0;
    }
    snprintf(id, sizeof id, "indicator--%s", uuid);
    ind.stix_id = id;
    ind.pattern = strbuf_cstr(&f->pattern);
    ind.pattern_type = "stix";
    ind.description = comment && *comment ? comment : NULL;
    ind.created_us = ind.modified_us = ind.valid_from_us = im->opt.now_us;
    ind.valid_until_us = INTEL_TIME_NONE;
    ind.confidence = im->opt.default_confidence;
    ind.tlp = im->opt.default_tlp;
    ind.tlp_origin = INTEL_TLP_NONE;
    char *json = row_json(&ind, canon);
    if (!json) {
        row_error(f, "out of memory");
        return 0;
    }
    ind.object_json = json;
    int rc = import_deliver(im, &ind);
    free(json);
    return rc;
}

static int csv_row(struct csv_file *f, char **fields, size_t n)
{
    struct intel_import *im = f->im;
    if (f->is_header_pending) {
        f->is_header_pending = false;
        header_row(f, fields, n);
        return 0;
    }
    im->counters[IC_OBJECTS]++;
    im->counters[IC_CSV_ROWS]++;
    if (f->is_header_bad)
        return 0;
    if (f->value_col < 0 || (size_t)f->value_col >= n || !fields[f->value_col][0]) {
        row_error(f, "no value in column %d (the row has %zu)", f->value_col, n);
        return 0;
    }
    strbuf_reset(&f->value);
    strbuf_adds(&f->value, fields[f->value_col]);
    if (!f->value.is_failed && refang(&f->value))
        im->counters[IC_CSV_REFANGED]++;
    const char *tname;
    const struct misp_type *t = row_type(f, fields, n, &tname);
    if (!t) {
        row_error(f, tname && *tname ? "unknown type '%.40s'" : "cannot tell the type of '%.80s'",
                  tname && *tname ? tname : f->value.p);
        return 0;
    }
    if (misp_type_class(t) != MISP_CLASS_IMPORTED) {
        im->counters[IC_MISP_SKIP_WEAK + misp_type_class(t) - MISP_CLASS_WEAK]++;
        return 0;
    }
    const char *why;
    struct stix_pattern_error err;
    if (misp_type_pattern(t, f->value.p, &f->pattern, &f->norm, &why) != 0) {
        row_error(f, "'%.80s' (%s): %s", f->value.p, misp_type_name(t), why);
        return 0;
    }
    if (import_pattern_check(im, strbuf_cstr(&f->pattern), &err) != 0) {
        row_error(f, "pattern: offset %zu: %s", err.offset, err.message);
        return 0;
    }
    const char *comment =
        f->comment_col >= 0 && (size_t)f->comment_col < n ? fields[f->comment_col] : NULL;
    return row_deliver(f, t, comment);
}

/* --- Records ------------------------------------------------------------- */

static void rec_reset(struct csv_file *f)
{
    f->in_record = f->is_too_long = f->is_bad_quote = f->is_too_many = false;
    f->rec_len = 0;
    f->field_count = 0;
    f->starts[0] = 0;
    f->state = CSV_FIELD_START;
}

static void rec_byte(struct csv_file *f, char c)
{
    if (f->rec_len + 2 > CSV_RECORD_MAX) {
        f->is_too_long = true;
        return;
    }
    f->rec[f->rec_len++] = c;
}

static void field_end(struct csv_file *f)
{
    if (f->is_too_long || f->is_too_many)
        return;
    f->rec[f->rec_len++] = '\0';
    if (++f->field_count == CSV_FIELDS_MAX)
        f->is_too_many = true;
    else
        f->starts[f->field_count] = f->rec_len;
    f->state = CSV_FIELD_START;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static int record_end(struct csv_file *f)
{
    field_end(f);
    int rc = 0;
    char *fields[CSV_FIELDS_MAX];
    size_t n = f->field_count;
    for (size_t i = 0; i < n && !f->is_too_long; i++)
        fields[i] = trim(f->rec + f->starts[i]);
    if (f->is_header_bad)
        ; /* nothing is read after a header that lacks a named column */
    else if (f->is_too_long)
        row_error(f, "longer than %u bytes", CSV_RECORD_MAX);
    else if (f->is_too_many)
        row_error(f, "more than %u fields", CSV_FIELDS_MAX);
    else if (f->is_bad_quote)
        row_error(f, "a quoted field is malformed (RFC 4180: \"\" inside quotes, nothing after "
                     "the closing quote)");
    else if (!(n == 1 && fields[0][0] == '\0')) /* a blank line */
        rc = csv_row(f, fields, n);
    rec_reset(f);
    return rc;
}

/* One byte of a record (not a comment, not between records). */
static int record_byte(struct csv_file *f, char c)
{
    bool is_delim = f->delimiter && c == f->delimiter;
    switch (f->state) {
    case CSV_FIELD_START:
    case CSV_UNQUOTED:
        if (c == '\n')
            return record_end(f);
        if (is_delim)
            field_end(f);
        else if (c == '"' && f->delimiter && f->state == CSV_FIELD_START)
            f->state = CSV_QUOTED;
        else if (c != '\r') {
            rec_byte(f, c);
            f->state = CSV_UNQUOTED;
        }
        return 0;
    case CSV_QUOTED:
        if (c == '"')
            f->state = CSV_QUOTE_IN_QUOTED;
        else
            rec_byte(f, c);
        return 0;
    default: /* CSV_QUOTE_IN_QUOTED */
        if (c == '"') {
            rec_byte(f, '"');
            f->state = CSV_QUOTED;
        } else if (c == '\n') {
            return record_end(f);
        } else if (is_delim) {
            field_end(f);
        } else if (c != '\r') {
            f->is_bad_quote = true;
            rec_byte(f, c);
            f->state = CSV_UNQUOTED;
        }
        return 0;
    }
}

static int csv_chunk(void *ctx, const uint8_t *p, size_t n)
{
    struct csv_file *f = ctx;
    size_t i = 0;
    if (f->offset == 0 && n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
        i = 3;
    for (; i < n; i++) {
        char c = (char)p[i];
        uint64_t at = f->offset + i;
        int rc = 0;
        if (f->state == CSV_COMMENT) {
            if (c == '\n')
                f->state = CSV_FIELD_START;
        } else if (!f->in_record && c == '#') {
            f->state = CSV_COMMENT;
        } else if (!f->in_record && (c == '\n' || c == '\r')) {
            /* a blank line */
        } else {
            if (!f->in_record) {
                f->in_record = true;
                f->rec_offset = at;
                f->rec_line = f->line;
            }
            rc = record_byte(f, c);
        }
        f->line += c == '\n';
        if (rc < 0) {
            f->offset += i + 1;
            return rc;
        }
    }
    f->offset += n;
    return 0;
}

static int csv_finish(struct csv_file *f)
{
    if (f->state == CSV_QUOTED) {
        f->is_bad_quote = true;
        return record_end(f);
    }
    return f->in_record ? record_end(f) : 0;
}

int csv_list_import(struct intel_import *im, const struct import_source *src)
{
    const struct intel_import_csv *c = &im->opt.csv;
    struct csv_file f;
    memset(&f, 0, sizeof f);
    f.im = im;
    f.delimiter = c->delimiter;
    f.line = 1;
    f.value_col = c->value_column;
    f.type_col = c->type_column;
    f.comment_col = c->comment_column;
    f.is_header_pending = c->has_header;
    if (!c->has_header && (c->value_name[0] || c->type_name[0] || c->comment_name[0])) {
        import_error(im, IC_ERR_CSV_BAD_ROW, 0, 0, NULL,
                     "CSV columns are named but the file is not read with a header line");
        return 0;
    }
    f.rec = malloc(CSV_RECORD_MAX);
    if (!f.rec) {
        import_error(im, IC_ERR_NOMEM, 0, 0, NULL, "out of memory");
        return -ENOMEM;
    }
    strbuf_init(&f.pattern);
    strbuf_init(&f.norm);
    strbuf_init(&f.value);
    rec_reset(&f);
    int rc = import_source_read(im, src, csv_chunk, &f);
    if (rc == 0)
        rc = csv_finish(&f);
    import_counter_max(im, IC_MEM_PEAK_BUFFER, CSV_RECORD_MAX + (src->fd >= 0 ? IMPORT_CHUNK : 0));
    strbuf_fini(&f.pattern);
    strbuf_fini(&f.norm);
    strbuf_fini(&f.value);
    free(f.rec);
    return rc < 0 ? rc : 0;
}

/* --- Column mapping ------------------------------------------------------ */

static int parse_column(const char *s, size_t n, int min, int *col, char name[64])
{
    if (n == 0 || n >= 64)
        return -EINVAL;
    bool is_number = true;
    for (size_t i = (s[0] == '-' ? 1 : 0); i < n; i++)
        is_number &= s[i] >= '0' && s[i] <= '9';
    if (is_number && n > (s[0] == '-' ? 1u : 0u) && n < 6) {
        int v = atoi(s);
        if (v < min || v >= (int)CSV_FIELDS_MAX)
            return -EINVAL;
        *col = v;
        name[0] = '\0';
        return 0;
    }
    memcpy(name, s, n);
    name[n] = '\0';
    return 0;
}

int intel_import_csv_columns(struct intel_import_csv *csv, const char *spec)
{
    struct intel_import_csv c = *csv;
    const char *p = spec;
    if (!p || !*p)
        return -EINVAL;
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        if (!eq)
            return -EINVAL;
        size_t klen = (size_t)(eq - p), vlen = len - klen - 1;
        const char *val = eq + 1;
        int rc;
        if (klen == 5 && !strncasecmp(p, "value", 5))
            rc = parse_column(val, vlen, 0, &c.value_column, c.value_name);
        else if (klen == 4 && !strncasecmp(p, "type", 4))
            rc = parse_column(val, vlen, -1, &c.type_column, c.type_name);
        else if (klen == 7 && !strncasecmp(p, "comment", 7))
            rc = parse_column(val, vlen, -1, &c.comment_column, c.comment_name);
        else
            rc = -EINVAL;
        if (rc)
            return rc;
        p += len + (p[len] == ',');
    }
    *csv = c;
    return 0;
}
