/* intel_load.c — store + --intel files → one intel set for the run. */
#include "cli/intel_load.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/data_dir.h"
#include "cli/exit_code.h"
#include "cli/progress.h"
#include "intel/import/intel_import.h"
#include "intel/set/intel_set.h"
#include "intel/store/intel_store.h"

/* Errors printed per --intel file before the rest are only counted. */
#define LOAD_ERRORS_SHOWN 10

struct load_file_ctx {
    struct intel_set_builder *b;
    const char *path;
    uint64_t errors;
};

static int64_t load_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int load_on_indicator(void *ctx, const struct intel_indicator *ind)
{
    struct load_file_ctx *c = ctx;
    return intel_set_builder_add(c->b, ind);
}

static void load_on_error(void *ctx, const struct intel_import_error *e)
{
    struct load_file_ctx *c = ctx;
    if (++c->errors > LOAD_ERRORS_SHOWN)
        return;
    fprintf(stderr, "hradba read: intel: %s:%" PRIu64 ": %s%s%s\n", e->path, e->line,
            e->object_id ? e->object_id : "", e->object_id ? ": " : "", e->message);
}

/* The store, when the data directory has one. */
static int load_store(const struct intel_load_opts *o, struct intel_set_builder *b)
{
    char dir[4096], path[4200], err[256] = "";
    if (data_dir_resolve(o->data_dir, dir, sizeof(dir)) != 0) {
        if (o->data_dir) {
            fprintf(stderr, "hradba read: data directory '%s' is not usable\n", o->data_dir);
            return EXIT_CODE_USAGE;
        }
        return 0; /* no HOME and no setting: no store to look at */
    }
    snprintf(path, sizeof(path), "%s/intel.db", dir);
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    struct intel_store *s = intel_store_open(path, true, err, sizeof(err));
    if (!s) {
        fprintf(stderr, "hradba read: intel store %s: %s\n", path, err);
        return EXIT_CODE_FATAL;
    }
    int rc = intel_store_each_active(s, load_now_us(), intel_set_builder_add_cb, b);
    if (rc != 0)
        fprintf(stderr, "hradba read: intel store %s: %s\n", path, intel_store_errmsg(s));
    intel_store_close(s);
    return rc == 0 ? 0 : EXIT_CODE_FATAL;
}

static int load_files(const struct intel_load_opts *o, struct intel_set_builder *b)
{
    struct intel_import_options io;
    intel_import_options_default(&io);
    io.now_us = load_now_us();
    for (size_t i = 0; i < o->n_files; i++) {
        struct load_file_ctx c = {.b = b, .path = o->files[i]};
        struct intel_import_callbacks cb = {load_on_indicator, load_on_error, &c};
        struct intel_import *im = intel_import_new(&io, &cb);
        if (!im)
            return EXIT_CODE_FATAL;
        int rc = intel_import_path(im, o->files[i]);
        intel_import_free(im);
        if (c.errors > LOAD_ERRORS_SHOWN)
            fprintf(stderr, "hradba read: intel: %s: ... and %" PRIu64 " more errors\n",
                    o->files[i], c.errors - LOAD_ERRORS_SHOWN);
        if (rc == -ENOMEM)
            return EXIT_CODE_FATAL;
        if (rc < 0) {
            fprintf(stderr, "hradba read: intel: cannot read %s: %s\n", o->files[i], strerror(-rc));
            return EXIT_CODE_INPUT;
        }
    }
    return 0;
}

static uint64_t load_counter(const struct intel_set *s, enum intel_set_counter id)
{
    return intel_set_counters(s).values[id];
}

int intel_load(const struct intel_load_opts *o, struct intel_set **out)
{
    *out = NULL;
    uint64_t start_ns = progress_now_ns();
    struct intel_set_builder *b = intel_set_builder_new(load_now_us());
    if (!b)
        return EXIT_CODE_FATAL;
    int rc = o->use_store ? load_store(o, b) : 0;
    if (rc == 0)
        rc = load_files(o, b);
    if (rc != 0) {
        intel_set_builder_free(b);
        return rc;
    }
    struct intel_set *s = intel_set_build(b);
    if (!s) {
        fputs("hradba read: out of memory building the intel set\n", stderr);
        return EXIT_CODE_FATAL;
    }
    if (load_counter(s, INTEL_SET_OFFERED) == 0) {
        intel_set_free(s);
        return 0;
    }
    double secs = (double)(progress_now_ns() - start_ns) / 1e9;
    if (!o->is_quiet)
        fprintf(stderr,
                "hradba read: intel: %" PRIu64 " indicators loaded in %.2f s (%" PRIu64
                " indexed, %" PRIu64 " confirmed by pattern, %" PRIu64
                " evaluated per event); %" PRIu64 " inactive, %" PRIu64 " not evaluable here\n",
                load_counter(s, INTEL_SET_LOADED), secs, load_counter(s, INTEL_SET_INDEXED),
                load_counter(s, INTEL_SET_CONFIRM), load_counter(s, INTEL_SET_EVALUATE),
                load_counter(s, INTEL_SET_INACTIVE),
                load_counter(s, INTEL_SET_NOT_EVALUATED) + load_counter(s, INTEL_SET_NOT_STIX) +
                    load_counter(s, INTEL_SET_BAD_PATTERN));
    *out = s;
    return 0;
}
