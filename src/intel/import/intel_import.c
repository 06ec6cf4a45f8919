/* intel_import.c — the import API (intel_import.h): options, counters, error
 * reporting and delivery, reading files, directories and standard input in
 * chunks, and the choice of format (by content unless the caller names one).
 * The formats themselves live in stix_bundle.c, misp_event.c, misp_feed.c
 * and csv_list.c.
 */
#include "intel/import/intel_import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "intel/import/import_id.h"
#include "intel/import/import_internal.h"

static const char *const counter_names[] = {INTEL_IMPORT_COUNTERS(COUNTER_NAME)};

/* How much of a JSON file the format probe reads at most. */
#define PROBE_MAX (1024u * 1024u)

void intel_import_options_default(struct intel_import_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = INTEL_IMPORT_AUTO;
    o->default_tlp = INTEL_TLP_AMBER;
    o->default_confidence = -1;
    o->misp_to_ids_only = true;
    o->csv.value_column = 0;
    o->csv.type_column = -1;
    o->csv.comment_column = -1;
    o->csv.delimiter = ',';
}

struct intel_import *intel_import_new(const struct intel_import_options *o,
                                      const struct intel_import_callbacks *cb)
{
    struct intel_import *im = calloc(1, sizeof *im);
    if (!im)
        return NULL;
    if (o)
        im->opt = *o;
    else
        intel_import_options_default(&im->opt);
    if (cb)
        im->cb = *cb;
    if ((unsigned)im->opt.default_tlp > INTEL_TLP_RED)
        im->opt.default_tlp = INTEL_TLP_RED;
    if (im->opt.now_us == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        im->opt.now_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    }
    im->chunk = malloc(IMPORT_CHUNK);
    if (!im->chunk) {
        free(im);
        return NULL;
    }
    import_arena_init(&im->scratch, 0);
    strbuf_init(&im->text);
    json_doc_init(&im->doc);
    im->path = "";
    return im;
}

void intel_import_free(struct intel_import *im)
{
    if (!im)
        return;
    import_arena_fini(&im->scratch);
    strbuf_fini(&im->text);
    json_doc_fini(&im->doc);
    free(im->doc_dump);
    free(im->chunk);
    free(im);
}

struct counter_view intel_import_counters(const struct intel_import *im)
{
    struct counter_view v = {"intel_import", counter_names, im->counters, IC_COUNT};
    return v;
}

uint64_t intel_import_indicator_count(const struct intel_import *im)
{
    return im->counters[IC_INDICATORS];
}

uint64_t intel_import_error_count(const struct intel_import *im)
{
    uint64_t n = 0;
    for (int c = IC_ERR_FIRST; c <= IC_ERR_LAST; c++)
        n += im->counters[c];
    return n;
}

void import_error(struct intel_import *im, enum import_counter reason, uint64_t offset,
                  uint64_t line, const char *object_id, const char *fmt, ...)
{
    im->counters[reason]++;
    if (!im->cb.on_error)
        return;
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    struct intel_import_error e = {im->path, offset, line, object_id, message};
    im->cb.on_error(im->cb.ctx, &e);
}

int import_deliver(struct intel_import *im, const struct intel_indicator *ind)
{
    static const enum import_counter by_origin[] = {
        [INTEL_TLP_FROM_MARKING] = IC_TLP_MARKING,
        [INTEL_TLP_FROM_TAG] = IC_TLP_TAG,
        [INTEL_TLP_UNKNOWN_ID] = IC_TLP_FAIL_CLOSED,
        [INTEL_TLP_NONE] = IC_TLP_DEFAULT,
    };
    im->counters[IC_INDICATORS]++;
    im->counters[IC_INDICATORS_REVOKED] += ind->is_revoked;
    im->counters[by_origin[ind->tlp_origin]]++;
    im->counters[IC_RELATED] += ind->related_count;
    int rc = im->cb.on_indicator ? im->cb.on_indicator(im->cb.ctx, ind) : 0;
    import_arena_reset(&im->scratch);
    if (rc < 0)
        im->stop_rc = rc;
    return rc < 0 ? rc : 0;
}

const char *import_default_source(const struct intel_import *im)
{
    return im->opt.source && im->opt.source[0] ? im->opt.source : im->base_name;
}

int import_pattern_check(struct intel_import *im, const char *pattern,
                         struct stix_pattern_error *err)
{
    struct stix_pattern_counters *pc = &im->pattern_counters;
    struct stix_pattern *p = stix_pattern_parse_counted(pattern, strlen(pattern), pc, err);
    im->counters[IC_NORM_CIDR_EQ] = pc->values[STIX_PC_NORM_CIDR_EQ];
    im->counters[IC_NORM_QUOTED_NUMBER] = pc->values[STIX_PC_NORM_QUOTED_NUMBER];
    im->counters[IC_NORM_HASH_KEY] = pc->values[STIX_PC_NORM_HASH_KEY];
    im->counters[IC_NORM_CROSS_TYPE_AND] = pc->values[STIX_PC_CROSS_TYPE_AND];
    if (!p)
        return -EINVAL;
    im->counters[IC_PATTERN_PARSED]++;
    stix_pattern_free(p);
    return 0;
}

json_t *import_json_parse(struct intel_import *im, const struct json_split_value *v)
{
    json_error_t je;
    json_t *obj = json_loadb(v->text, v->len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (obj)
        return obj;
    uint64_t line = v->line + (je.line > 0 ? (uint64_t)je.line - 1 : 0);
    uint64_t at = v->offset + (je.position > 0 ? (uint64_t)je.position : 0);
    import_error(im, IC_ERR_JSON, v->offset, v->line, NULL,
                 "JSON: %s (line %llu, byte %llu; the %s began at line %llu)", je.text,
                 (unsigned long long)line, (unsigned long long)at,
                 v->first == '{' ? "object" : "value", (unsigned long long)v->line);
    return NULL;
}

int import_doc_parse(struct intel_import *im, const struct json_split_value *v)
{
    free(im->doc_dump);
    im->doc_dump = NULL;
    im->doc_json = NULL;
    if (json_doc_parse(&im->doc, v->text, v->len, 0) == 0) {
        im->doc_json = im->doc.compact;
        return 0;
    }
    /* Refused: malformed, or valid in a way only jansson can write back. */
    json_t *obj = import_json_parse(im, v);
    if (!obj)
        return -EINVAL;
    im->doc_dump = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(obj);
    if (!im->doc_dump ||
        json_doc_parse(&im->doc, im->doc_dump, strlen(im->doc_dump), JSON_DOC_TRUSTED) != 0) {
        import_error(im, IC_ERR_NOMEM, v->offset, v->line, NULL, "out of memory");
        return -ENOMEM;
    }
    im->doc_json = im->doc_dump;
    return 0;
}

int import_source_read(struct intel_import *im, const struct import_source *src,
                       int (*fn)(void *ctx, const uint8_t *p, size_t n), void *ctx)
{
    if (src->fd < 0)
        return src->len ? fn(ctx, src->data, src->len) : 0;
    off_t at = 0;
    for (;;) {
        ssize_t got = pread(src->fd, im->chunk, IMPORT_CHUNK, at);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int err = errno;
            import_error(im, IC_ERR_IO, (uint64_t)at, 0, NULL, "read failed: %s", strerror(err));
            return -err;
        }
        if (got == 0)
            return 0;
        at += got;
        int rc = fn(ctx, im->chunk, (size_t)got);
        if (rc)
            return rc;
    }
}

static int split_chunk(void *ctx, const uint8_t *p, size_t n)
{
    struct json_split *s = ctx;
    int rc = json_split_feed(s, p, n);
    return s->error[0] || rc == JSON_SPLIT_STOPPED ? 1 : rc;
}

int import_split_source(struct intel_import *im, const struct import_source *src,
                        const struct json_split_callbacks *cb, void *ctx, bool report)
{
    struct json_split s;
    json_split_init(&s, cb, ctx, INTEL_IMPORT_OBJECT_MAX);
    int rc = import_source_read(im, src, split_chunk, &s);
    if (rc == 0)
        json_split_finish(&s);
    if (s.error[0] && report)
        import_error(im, IC_ERR_STRUCTURE, s.error_offset, s.error_line, NULL,
                     "%s; %llu objects were read before it, nothing after", s.error,
                     (unsigned long long)(im->counters[IC_OBJECTS] - im->file_objects));
    import_counter_max(im, IC_MEM_MAX_OBJECT, s.max_value_seen);
    import_counter_max(im, IC_MEM_PEAK_BUFFER, s.buf_peak + (src->fd >= 0 ? IMPORT_CHUNK : 0));
    json_split_fini(&s);
    return rc < 0 ? rc : 0;
}

/* --- Format detection ---------------------------------------------------- */

struct probe {
    enum intel_import_format format;
    uint64_t fed;
};

/* Member names that only one of the JSON formats uses. */
static enum intel_import_format probe_key(const char *key)
{
    static const char *const misp[] = {
        "Event",     "response", "Attribute",       "Object", "Orgc",   "info",    "uuid",
        "timestamp", "analysis", "threat_level_id", "Tag",    "Galaxy", "Sighting"};
    static const char *const stix[] = {"objects", "type", "id", "spec_version", "pattern"};
    for (size_t i = 0; i < sizeof misp / sizeof misp[0]; i++)
        if (!strcmp(key, misp[i]))
            return INTEL_IMPORT_MISP;
    for (size_t i = 0; i < sizeof stix / sizeof stix[0]; i++)
        if (!strcmp(key, stix[i]))
            return INTEL_IMPORT_STIX;
    if (import_id_is_uuid(key, strlen(key)))
        return INTEL_IMPORT_MISP_FEED; /* a feed's manifest.json: uuid → event */
    return INTEL_IMPORT_AUTO;
}

static enum json_split_action probe_classify(void *ctx, const struct json_split_value *v)
{
    struct probe *p = ctx;
    if (v->depth == 0 || (v->depth == 1 && v->levels[0].kind == '[')) {
        if (v->first == '{' || (v->depth == 0 && v->first == '['))
            return JSON_SPLIT_DESCEND;
        p->format = INTEL_IMPORT_STIX; /* fails there with a clear message */
        return JSON_SPLIT_STOP;
    }
    p->format = probe_key(v->levels[v->depth - 1].key);
    return p->format == INTEL_IMPORT_AUTO ? JSON_SPLIT_SKIP : JSON_SPLIT_STOP;
}

static int probe_chunk(void *ctx, const uint8_t *p, size_t n)
{
    struct json_split *s = ctx;
    struct probe *pr = s->ctx;
    pr->fed += n;
    int rc = json_split_feed(s, p, n);
    return rc || pr->fed >= PROBE_MAX ? 1 : 0;
}

/* The first byte that is not a byte order mark or whitespace, or 0. */
static int first_byte(void *ctx, const uint8_t *p, size_t n)
{
    int *out = ctx;
    size_t i = n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf ? 3 : 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    *out = i < n ? p[i] : 0;
    return 1; /* the first chunk is enough */
}

static enum intel_import_format detect(struct intel_import *im, const struct import_source *src)
{
    int first = 0;
    if (import_source_read(im, src, first_byte, &first) < 0)
        return INTEL_IMPORT_AUTO;
    if (first != '{' && first != '[')
        return INTEL_IMPORT_CSV;
    struct probe pr = {INTEL_IMPORT_AUTO, 0};
    struct json_split_callbacks cb = {probe_classify, NULL};
    struct json_split s;
    json_split_init(&s, &cb, &pr, 0);
    import_source_read(im, src, probe_chunk, &s);
    json_split_fini(&s);
    return pr.format == INTEL_IMPORT_AUTO ? INTEL_IMPORT_STIX : pr.format;
}

/* --- Files, directories, standard input ---------------------------------- */

static void begin_file(struct intel_import *im, const char *path)
{
    im->path = path;
    const char *slash = strrchr(path, '/');
    const char *base = slash && slash[1] ? slash + 1 : path;
    snprintf(im->base_name, sizeof im->base_name, "%s", base);
    im->file_objects = im->counters[IC_OBJECTS];
    im->counters[IC_FILES]++;
}

static int import_source(struct intel_import *im, const struct import_source *src,
                         enum intel_import_format f)
{
    begin_file(im, src->path);
    if (f == INTEL_IMPORT_AUTO)
        f = detect(im, src);
    switch (f) {
    case INTEL_IMPORT_STIX:
        return stix_bundle_import(im, src);
    case INTEL_IMPORT_MISP:
        return misp_event_import(im, src);
    case INTEL_IMPORT_CSV:
        return csv_list_import(im, src);
    case INTEL_IMPORT_MISP_FEED:
        import_error(im, IC_ERR_STRUCTURE, 0, 0, NULL,
                     "this is a MISP feed's manifest.json (or a feed was asked for): import the "
                     "feed's directory");
        return 0;
    case INTEL_IMPORT_AUTO:
        break;
    }
    return -EIO; /* unreadable: reported by the probe */
}

int intel_import_buffer(struct intel_import *im, const char *name, const uint8_t *data, size_t len)
{
    struct import_source src = {name ? name : "(buffer)", -1, data, len};
    im->stop_rc = 0;
    int rc = import_source(im, &src, im->opt.format);
    im->path = "";
    return rc;
}

/* Copies standard input to an unlinked temporary file, so that it can be
 * read twice like any file. */
static int spool_stdin(struct intel_import *im)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/hradba-import-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return -errno;
    unlink(path);
    for (;;) {
        ssize_t got = read(STDIN_FILENO, im->chunk, IMPORT_CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got == 0)
                return fd;
            break;
        }
        for (ssize_t done = 0; done < got;) {
            ssize_t w = write(fd, im->chunk + done, (size_t)(got - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                goto fail;
            done += w;
        }
    }
fail:;
    int err = errno;
    close(fd);
    return -err;
}

int import_file_as(struct intel_import *im, const char *path, enum intel_import_format f)
{
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? spool_stdin(im) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int err = is_stdin ? -fd : errno;
        begin_file(im, is_stdin ? "(stdin)" : path);
        import_error(im, IC_ERR_IO, 0, 0, NULL, "cannot read: %s", strerror(err));
        return -err;
    }
    struct import_source src = {is_stdin ? "(stdin)" : path, fd, NULL, 0};
    int rc = import_source(im, &src, f);
    close(fd);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir (not hidden, not recursive), sorted by name. */
static int import_dir(struct intel_import *im, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -errno;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = -ENOMEM;
                break;
            }
            names = nn;
        }
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        if (!(names[n] = malloc(len))) {
            rc = -ENOMEM;
            break;
        }
        snprintf(names[n++], len, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            import_file_as(im, names[i], im->opt.format); /* errors are reported */
            rc = im->stop_rc;                             /* the callback stopped the import */
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int intel_import_path(struct intel_import *im, const char *path)
{
    im->stop_rc = 0;
    struct stat st;
    int rc;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        char manifest[4096];
        snprintf(manifest, sizeof manifest, "%s/manifest.json", path);
        bool is_feed = access(manifest, F_OK) == 0;
        if (im->opt.format == INTEL_IMPORT_MISP_FEED ||
            (im->opt.format == INTEL_IMPORT_AUTO && is_feed)) {
            rc = misp_feed_import(im, path);
        } else {
            rc = import_dir(im, path);
            if (rc < 0 && !im->stop_rc) {
                im->path = path;
                import_error(im, IC_ERR_IO, 0, 0, NULL, "cannot read the directory: %s",
                             strerror(-rc));
            }
        }
    } else {
        rc = import_file_as(im, path, im->opt.format);
    }
    im->path = ""; /* the names it pointed to are gone */
    return rc;
}
