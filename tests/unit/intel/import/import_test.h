/* import_test.h — what the importer tests share: a collector that copies
 * every delivered indicator and error, counter lookup by name, paths to the
 * shared test data and temporary files. Header-only (static inline).
 */
#ifndef HRADBA_TESTS_IMPORT_TEST_H
#define HRADBA_TESTS_IMPORT_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intel/import/intel_import.h"

struct got_related {
    char *type, *stix_id, *name, *external_id, *aliases, *relationship;
};

struct got_ind {
    char *stix_id, *source, *name, *description, *pattern, *pattern_type, *json;
    char *indicator_types, *kill_chain_phases;
    int64_t created_us, modified_us, valid_from_us, valid_until_us;
    bool is_revoked;
    int confidence;
    enum intel_tlp tlp;
    enum intel_tlp_origin tlp_origin;
    size_t related_count;
    struct got_related related[INTEL_IMPORT_RELATED_MAX];
};

struct got_err {
    char *path, *object_id, *message;
    uint64_t offset, line;
};

struct collect {
    bool is_count_only; /* only count (the big-file test) */
    uint64_t count;
    struct got_ind *inds;
    size_t n_inds;
    struct got_err *errs;
    size_t n_errs;
};

static inline char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static inline int collect_indicator(void *ctx, const struct intel_indicator *ind)
{
    struct collect *c = ctx;
    c->count++;
    if (c->is_count_only)
        return 0;
    c->inds = realloc(c->inds, (c->n_inds + 1) * sizeof *c->inds);
    struct got_ind *g = &c->inds[c->n_inds++];
    memset(g, 0, sizeof *g);
    g->stix_id = dup_or_null(ind->stix_id);
    g->source = dup_or_null(ind->source);
    g->name = dup_or_null(ind->name);
    g->description = dup_or_null(ind->description);
    g->pattern = dup_or_null(ind->pattern);
    g->pattern_type = dup_or_null(ind->pattern_type);
    g->json = dup_or_null(ind->object_json);
    g->indicator_types = dup_or_null(ind->indicator_types);
    g->kill_chain_phases = dup_or_null(ind->kill_chain_phases);
    g->created_us = ind->created_us;
    g->modified_us = ind->modified_us;
    g->valid_from_us = ind->valid_from_us;
    g->valid_until_us = ind->valid_until_us;
    g->is_revoked = ind->is_revoked;
    g->confidence = ind->confidence;
    g->tlp = ind->tlp;
    g->tlp_origin = ind->tlp_origin;
    g->related_count = ind->related_count;
    for (size_t i = 0; i < ind->related_count && i < INTEL_IMPORT_RELATED_MAX; i++) {
        const struct intel_related *r = &ind->related[i];
        struct got_related *o = &g->related[i];
        o->type = dup_or_null(r->type);
        o->stix_id = dup_or_null(r->stix_id);
        o->name = dup_or_null(r->name);
        o->external_id = dup_or_null(r->external_id);
        o->aliases = dup_or_null(r->aliases);
        o->relationship = dup_or_null(r->relationship);
    }
    return 0;
}

static inline void collect_error(void *ctx, const struct intel_import_error *e)
{
    struct collect *c = ctx;
    c->errs = realloc(c->errs, (c->n_errs + 1) * sizeof *c->errs);
    struct got_err *g = &c->errs[c->n_errs++];
    g->path = dup_or_null(e->path);
    g->object_id = dup_or_null(e->object_id);
    g->message = dup_or_null(e->message);
    g->offset = e->offset;
    g->line = e->line;
    if (getenv("IMPORT_TEST_VERBOSE"))
        fprintf(stderr, "error: %s:%llu: %s\n", e->path, (unsigned long long)e->line, e->message);
}

static inline void collect_free(struct collect *c)
{
    for (size_t i = 0; i < c->n_inds; i++) {
        struct got_ind *g = &c->inds[i];
        char *strs[] = {g->stix_id,     g->source,          g->name,
                        g->description, g->pattern,         g->pattern_type,
                        g->json,        g->indicator_types, g->kill_chain_phases};
        for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++)
            free(strs[k]);
        for (size_t k = 0; k < g->related_count && k < INTEL_IMPORT_RELATED_MAX; k++) {
            struct got_related *r = &g->related[k];
            free(r->type);
            free(r->stix_id);
            free(r->name);
            free(r->external_id);
            free(r->aliases);
            free(r->relationship);
        }
    }
    for (size_t i = 0; i < c->n_errs; i++) {
        free(c->errs[i].path);
        free(c->errs[i].object_id);
        free(c->errs[i].message);
    }
    free(c->inds);
    free(c->errs);
    memset(c, 0, sizeof *c);
}

/* A counter of im by name; fails the test (abort) for an unknown name. */
static inline uint64_t counter(const struct intel_import *im, const char *name)
{
    struct counter_view v = intel_import_counters(im);
    for (size_t i = 0; i < v.count; i++)
        if (!strcmp(v.names[i], name))
            return v.values[i];
    fprintf(stderr, "no counter named %s\n", name);
    abort();
}

/* Imports path with o (NULL: defaults) into c; returns the import for its
 * counters (free it) and the return code in *rc. */
static inline struct intel_import *import_into(const struct intel_import_options *o,
                                               const char *path, struct collect *c, int *rc)
{
    struct intel_import_options def;
    intel_import_options_default(&def);
    def.now_us = 1700000000000000;
    struct intel_import_callbacks cb = {collect_indicator, collect_error, c};
    struct intel_import *im = intel_import_new(o ? o : &def, &cb);
    int r = intel_import_path(im, path);
    if (rc)
        *rc = r;
    return im;
}

static inline struct intel_import *import_text(const struct intel_import_options *o,
                                               const char *name, const char *text,
                                               struct collect *c)
{
    struct intel_import_options def;
    intel_import_options_default(&def);
    def.now_us = 1700000000000000;
    struct intel_import_callbacks cb = {collect_indicator, collect_error, c};
    struct intel_import *im = intel_import_new(o ? o : &def, &cb);
    intel_import_buffer(im, name, (const uint8_t *)text, strlen(text));
    return im;
}

/* The collected indicator with this id, or NULL. */
static inline const struct got_ind *find_ind(const struct collect *c, const char *id)
{
    for (size_t i = 0; i < c->n_inds; i++)
        if (!strcmp(c->inds[i].stix_id, id))
            return &c->inds[i];
    return NULL;
}

static inline const struct got_ind *find_pattern(const struct collect *c, const char *pattern)
{
    for (size_t i = 0; i < c->n_inds; i++)
        if (!strcmp(c->inds[i].pattern, pattern))
            return &c->inds[i];
    return NULL;
}

/* A temporary file holding text; the caller unlinks and frees the path. */
static inline char *temp_file(const char *text, size_t len)
{
    const char *dir = getenv("TMPDIR");
    char *path = malloc(4096);
    snprintf(path, 4096, "%s/hradba-import-test-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        free(path);
        return NULL;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    close(fd);
    return path;
}

#endif
