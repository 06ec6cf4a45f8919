/* cmd_intel_import.c — `hradba intel import [options] FILE|DIR...`.
 *
 * Reads indicator files through intel/import and puts every indicator into
 * the store in batched transactions (one commit per INTEL_IMPORT_BATCH puts
 * and per file). Bad objects are reported with file and line and skipped;
 * a failure of the store itself rolls the open batch back and ends the run.
 * What was committed before stays: re-running the same import is harmless.
 *
 * Reading and storing overlap: a second thread runs the importer and hands
 * copied records over through a bounded queue (intel_import_queue.h); this
 * thread alone writes the store and the terminal, in the input's order, so
 * the output and the transactions are those of a run on one thread.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cmd_intel.h"
#include "cli/data_dir.h"
#include "cli/exit_code.h"
#include "cli/intel_import_queue.h"
#include "cli/progress.h"
#include "intel/import/intel_import.h"
#include "intel/store/intel_store.h"

/* Puts per transaction: large enough that the commits (each rewrites the
 * pages of the row-key index it touched) stay a small part of an import,
 * small enough that the WAL stays near 100 MB. */
#define INTEL_IMPORT_BATCH 100000
/* Errors printed per file argument; the rest are counted. */
#define INTEL_IMPORT_ERRORS_SHOWN 20
/* The progress line appears only on runs longer than this. */
#define INTEL_PROGRESS_AFTER_NS 1000000000ull

struct import_opts {
    const char *data_dir;
    bool is_quiet;
    int progress; /* -1 auto, 0 off, 1 on */
    struct intel_import_options imp;
};

/* Counts for one FILE|DIR argument. */
struct import_file {
    const char *path;
    uint64_t by_result[4]; /* enum intel_store_put_result */
    uint64_t errors;
    bool is_unreadable;
};

struct import_run {
    struct intel_store *st;
    struct intel_import_queue *queue; /* NULL: read and store on this thread */
    struct import_file file;
    uint64_t batch_puts, total_puts;
    bool is_in_txn;
    bool has_store_failed;
    char store_err[600];
    struct progress pr;
};

static void import_usage(FILE *out)
{
    fputs("usage: hradba intel import [options] FILE|DIR...\n"
          "\n"
          "Import indicators into the intel store: STIX 2.1 bundles, MISP events\n"
          "(JSON), MISP feeds (a directory with manifest.json) and CSV or plain lists\n"
          "of values. A DIR that is not a MISP feed is every file in it, in name order;\n"
          "- reads standard input. Importing the same version again changes nothing;\n"
          "a newer version (STIX modified) replaces the stored one.\n"
          "\n"
          "options:\n"
          "      --format F          auto (default: by content), stix, misp, misp-feed, csv\n"
          "      --source NAME       the source name of every indicator (default: the\n"
          "                          bundle's creator identity, MISP Orgc, or the file name)\n"
          "      --tlp LEVEL         TLP of objects without a marking: clear, green, amber\n"
          "                          (default), amber+strict, red\n"
          "      --confidence N      confidence 0-100 of MISP and CSV indicators\n"
          "      --csv-columns SPEC  column mapping, e.g. value=2,type=1,comment=4\n"
          "                          (0-based numbers, or header names with --csv-header)\n"
          "      --csv-type TYPE     the type of every CSV value: ip, cidr, domain, url,\n"
          "                          md5, sha1, sha256, ja3, ja3s, ja4, email (default: guess)\n"
          "      --csv-header        the first CSV line is a header\n"
          "      --csv-delimiter C   CSV field separator (default ','; 'tab' for TSV)\n"
          "      --misp-all          import every MISP attribute, not only to_ids ones\n"
          "      --data-dir DIR      the data directory (see 'hradba intel --help')\n"
          "  -q, --quiet             no per-file summary and no progress line\n"
          "      --progress          always draw the progress line\n"
          "      --no-progress       never draw it (default: on a terminal, after 1 s)\n"
          "  -h, --help              show this help\n"
          "\n"
          "Each file gets a summary on standard error, and each bad object a line\n"
          "FILE:LINE: [object id:] message (the first 20 per file).\n"
          "\n"
          "exit status: 0 everything imported; 3 some objects or files were bad and\n"
          "were skipped, the rest was imported; 2 usage error; 1 the store could not\n"
          "be opened or written (the batch in progress is rolled back).\n",
          out);
}

static int parse_format(const char *s, enum intel_import_format *out)
{
    static const struct {
        const char *name;
        enum intel_import_format f;
    } names[] = {
        {"auto", INTEL_IMPORT_AUTO}, {"stix", INTEL_IMPORT_STIX},
        {"misp", INTEL_IMPORT_MISP}, {"misp-feed", INTEL_IMPORT_MISP_FEED},
        {"csv", INTEL_IMPORT_CSV},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].f;
            return 0;
        }
    return -EINVAL;
}

static int parse_delimiter(const char *s, char *out)
{
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
        *out = '\t';
    else if (strlen(s) == 1 && s[0] != '\n' && s[0] != '"')
        *out = s[0];
    else
        return -EINVAL;
    return 0;
}

/* "hradba intel import: OPT: 'ARG' WHAT" and a hint; the usage exit code. */
static int usage_error(const char *opt, const char *arg, const char *what)
{
    fprintf(stderr, "hradba intel import: %s: '%s' %s\nTry 'hradba intel import --help'.\n", opt,
            arg, what);
    return EXIT_CODE_USAGE;
}

enum {
    OPT_FORMAT = 256,
    OPT_SOURCE,
    OPT_TLP,
    OPT_CONFIDENCE,
    OPT_CSV_COLUMNS,
    OPT_CSV_TYPE,
    OPT_CSV_HEADER,
    OPT_CSV_DELIMITER,
    OPT_MISP_ALL,
    OPT_DATA_DIR,
    OPT_PROGRESS,
    OPT_NO_PROGRESS,
};

/* One option c with its argument: -1 to go on, or an exit code. */
static int import_option(int c, const char *arg, struct import_opts *o, const char **columns)
{
    char *end = NULL;
    long n;
    switch (c) {
    case OPT_FORMAT:
        return parse_format(arg, &o->imp.format) == 0
                   ? -1
                   : usage_error("--format", arg, "is not auto, stix, misp, misp-feed or csv");
    case OPT_TLP:
        return intel_tlp_parse(arg, &o->imp.default_tlp) == 0
                   ? -1
                   : usage_error("--tlp", arg, "is not clear, green, amber, amber+strict or red");
    case OPT_CONFIDENCE:
        n = strtol(arg, &end, 10);
        if (!*arg || *end || n < 0 || n > 100)
            return usage_error("--confidence", arg, "is not a number from 0 to 100");
        o->imp.default_confidence = (int)n;
        return -1;
    case OPT_CSV_DELIMITER:
        return parse_delimiter(arg, &o->imp.csv.delimiter) == 0
                   ? -1
                   : usage_error("--csv-delimiter", arg, "is not one character (or 'tab')");
    case OPT_CSV_COLUMNS:
        *columns = arg;
        return -1;
    case OPT_SOURCE:
        o->imp.source = arg;
        return -1;
    case OPT_CSV_TYPE:
        o->imp.csv.type = arg;
        return -1;
    case OPT_CSV_HEADER:
        o->imp.csv.has_header = true;
        return -1;
    case OPT_MISP_ALL:
        o->imp.misp_to_ids_only = false;
        return -1;
    case OPT_DATA_DIR:
        o->data_dir = arg;
        return -1;
    case 'q':
        o->is_quiet = true;
        return -1;
    case OPT_PROGRESS:
    case OPT_NO_PROGRESS:
        o->progress = c == OPT_PROGRESS;
        return -1;
    case 'h':
        import_usage(stdout);
        return EXIT_CODE_OK;
    }
    fputs("Try 'hradba intel import --help'.\n", stderr);
    return EXIT_CODE_USAGE;
}

/* Returns -1 to continue, or an exit code to return now. */
static int import_parse(int argc, char **argv, struct import_opts *o)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"tlp", required_argument, NULL, OPT_TLP},
        {"confidence", required_argument, NULL, OPT_CONFIDENCE},
        {"csv-columns", required_argument, NULL, OPT_CSV_COLUMNS},
        {"csv-type", required_argument, NULL, OPT_CSV_TYPE},
        {"csv-header", no_argument, NULL, OPT_CSV_HEADER},
        {"csv-delimiter", required_argument, NULL, OPT_CSV_DELIMITER},
        {"misp-all", no_argument, NULL, OPT_MISP_ALL},
        {"data-dir", required_argument, NULL, OPT_DATA_DIR},
        {"quiet", no_argument, NULL, 'q'},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof(*o));
    o->progress = -1;
    intel_import_options_default(&o->imp);
    const char *columns = NULL;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        int rc = import_option(c, optarg, o, &columns);
        if (rc >= 0)
            return rc;
    }
    /* After the loop: --csv-header may come after --csv-columns. */
    if (columns && intel_import_csv_columns(&o->imp.csv, columns) != 0)
        return usage_error("--csv-columns", columns,
                           "is not a column mapping (try value=2,type=1)");
    if (optind >= argc) {
        fputs("hradba intel import: no file given\n", stderr);
        import_usage(stderr);
        return EXIT_CODE_USAGE;
    }
    if (o->is_quiet && o->progress < 0)
        o->progress = 0;
    return -1;
}

static void import_progress(struct import_run *r)
{
    struct progress *pr = &r->pr;
    if (!pr->is_enabled)
        return;
    uint64_t now = progress_now_ns();
    if (now < pr->next_ns || now - pr->start_ns < INTEL_PROGRESS_AFTER_NS)
        return;
    pr->next_ns = now + 250000000ull;
    double secs = (double)(now - pr->start_ns) / 1e9;
    fprintf(stderr, "\rhradba intel: %s: %" PRIu64 " indicators, %.0f/s \033[K", r->file.path,
            r->total_puts, secs > 0 ? (double)r->total_puts / secs : 0.0);
    pr->is_drawn = true;
}

static void print_error(struct import_run *r, const char *path, uint64_t line, uint64_t offset,
                        const char *object_id, const char *msg)
{
    if (++r->file.errors > INTEL_IMPORT_ERRORS_SHOWN)
        return;
    progress_done(&r->pr);
    /* Messages quote the input: escape what would reach the terminal raw. */
    cmd_intel_put_clean(stderr, path);
    if (line > 0)
        fprintf(stderr, ":%" PRIu64 ": ", line);
    else if (offset > 0)
        fprintf(stderr, ": at byte %" PRIu64 ": ", offset);
    else
        fputs(": ", stderr);
    if (object_id) {
        cmd_intel_put_clean(stderr, object_id);
        fputs(": ", stderr);
    }
    cmd_intel_put_clean(stderr, msg);
    fputc('\n', stderr);
}

static void on_error(void *ctx, const struct intel_import_error *e)
{
    struct import_run *r = ctx;
    print_error(r, e->path ? e->path : r->file.path, e->line, e->offset, e->object_id,
                e->message ? e->message : "bad object");
}

static int store_failed(struct import_run *r)
{
    snprintf(r->store_err, sizeof(r->store_err), "%s", intel_store_errmsg(r->st));
    r->has_store_failed = true;
    return -EIO;
}

static int commit_batch(struct import_run *r)
{
    if (!r->is_in_txn)
        return 0;
    r->is_in_txn = false;
    r->batch_puts = 0;
    return intel_store_commit(r->st) == 0 ? 0 : store_failed(r);
}

static int on_indicator(void *ctx, const struct intel_indicator *ind)
{
    struct import_run *r = ctx;
    if (!r->is_in_txn) {
        if (intel_store_begin(r->st) != 0)
            return store_failed(r);
        r->is_in_txn = true;
    }
    int rc = intel_store_put(r->st, ind);
    if (rc == -EINVAL || rc == -EEXIST) {
        /* This record cannot be stored; the others can. */
        print_error(r, r->file.path, 0, 0, ind->stix_id,
                    rc == -EINVAL ? "not stored: no pattern or pattern type"
                                  : intel_store_errmsg(r->st));
        return 0;
    }
    if (rc < 0)
        return store_failed(r);
    r->file.by_result[rc]++;
    r->total_puts++;
    if (++r->batch_puts >= INTEL_IMPORT_BATCH && commit_batch(r) != 0)
        return -EIO;
    if ((r->total_puts & 0x3ff) == 0)
        import_progress(r);
    return 0;
}

/* --- The reading thread ----------------------------------------------- */

struct reader {
    struct intel_import *im;
    struct intel_import_queue *queue;
    const char *path;
    int rc;      /* intel_import_path's */
    bool is_oom; /* a record could not be copied */
};

static int reader_indicator(void *ctx, const struct intel_indicator *ind)
{
    struct reader *rd = ctx;
    int rc = intel_import_queue_put_indicator(rd->queue, ind);
    rd->is_oom |= rc == -ENOMEM;
    return rc == 0 ? 0 : -EIO; /* the writer stopped, or no memory: stop reading */
}

static void reader_error(void *ctx, const struct intel_import_error *e)
{
    struct reader *rd = ctx;
    rd->is_oom |= intel_import_queue_put_error(rd->queue, e) == -ENOMEM;
}

static void *reader_main(void *arg)
{
    struct reader *rd = arg;
    rd->rc = intel_import_path(rd->im, rd->path);
    intel_import_queue_close(rd->queue);
    return NULL;
}

/* The writer's side of one file: stores and prints what the reader hands
 * over, in order; after a store failure the rest is dropped. */
static void write_records(struct import_run *r)
{
    struct intel_import_slab *slab;
    while ((slab = intel_import_queue_take(r->queue)) != NULL) {
        for (size_t i = 0; i < slab->count && !r->has_store_failed; i++) {
            const struct intel_import_item *it = &slab->items[i];
            if (it->kind == INTEL_IMPORT_ITEM_ERROR)
                on_error(r, &it->u.err);
            else if (on_indicator(r, &it->u.ind) != 0)
                intel_import_queue_cancel(r->queue);
        }
        intel_import_queue_give_back(r->queue, slab);
    }
}

/* Imports path with a reading thread, or on this thread alone when none can
 * be started. False when the importer could not be made (no memory); else
 * *rc is intel_import_path's code. */
static bool import_piped(struct import_run *r, const struct intel_import_options *opts,
                         const struct intel_import_callbacks *direct, const char *path, int *rc)
{
    struct reader rd = {NULL, r->queue, path, 0, false};
    struct intel_import_callbacks cb = {reader_indicator, reader_error, &rd};
    pthread_t th;
    bool is_piped = false;
    if (r->queue) {
        intel_import_queue_open(r->queue);
        rd.im = intel_import_new(opts, &cb);
        is_piped = rd.im && pthread_create(&th, NULL, reader_main, &rd) == 0;
        if (!is_piped) {
            intel_import_free(rd.im);
            rd.im = NULL;
        }
    }
    if (is_piped) {
        write_records(r);
        pthread_join(th, NULL);
        if (rd.is_oom && !r->has_store_failed) {
            snprintf(r->store_err, sizeof(r->store_err), "out of memory");
            r->has_store_failed = true;
        }
    } else {
        rd.im = intel_import_new(opts, direct);
        if (!rd.im)
            return false;
        rd.rc = intel_import_path(rd.im, path);
    }
    intel_import_free(rd.im);
    *rc = rd.rc;
    return true;
}

static void file_summary(const struct import_run *r, bool is_quiet)
{
    const struct import_file *f = &r->file;
    if (f->errors > INTEL_IMPORT_ERRORS_SHOWN)
        fprintf(stderr, "%s: … and %" PRIu64 " more errors\n", f->path,
                f->errors - INTEL_IMPORT_ERRORS_SHOWN);
    uint64_t n = f->by_result[0] + f->by_result[1] + f->by_result[2] + f->by_result[3];
    if (n == 0 && f->errors > 0 && !f->is_unreadable)
        fprintf(stderr,
                "%s: no indicator could be read: is it a STIX bundle, a MISP event or feed, "
                "or a list of values? (--format, --csv-columns)\n",
                f->path);
    if (is_quiet)
        return;
    fprintf(stderr,
            "%s: %" PRIu64 " indicator%s (%" PRIu64 " new, %" PRIu64 " updated, %" PRIu64
            " unchanged, %" PRIu64 " older), %" PRIu64 " error%s\n",
            f->path, n, n == 1 ? "" : "s", f->by_result[INTEL_STORE_INSERTED],
            f->by_result[INTEL_STORE_UPDATED], f->by_result[INTEL_STORE_UNCHANGED],
            f->by_result[INTEL_STORE_OLDER], f->errors, f->errors == 1 ? "" : "s");
}

static int64_t stat_mtime_us(const struct stat *sb)
{
    return (int64_t)sb->st_mtim.tv_sec * 1000000 + sb->st_mtim.tv_nsec / 1000;
}

/* The date given to the rows of a CSV or plain list, which have no version of
 * their own: the file's modification time (for a directory, its newest
 * regular file's), so that importing an unchanged list again changes nothing
 * and an edited one replaces its rows. Standard input, or a path that cannot
 * be read (the import then says why), gets the current time. */
static int64_t import_stamp_us(const char *path)
{
    struct stat sb;
    if (strcmp(path, "-") == 0 || stat(path, &sb) != 0)
        return cmd_intel_now_us();
    if (!S_ISDIR(sb.st_mode))
        return stat_mtime_us(&sb);
    int64_t newest = stat_mtime_us(&sb);
    DIR *d = opendir(path);
    if (!d)
        return newest;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat fsb;
        if (fstatat(dirfd(d), e->d_name, &fsb, 0) == 0 && S_ISREG(fsb.st_mode) &&
            stat_mtime_us(&fsb) > newest)
            newest = stat_mtime_us(&fsb);
    }
    closedir(d);
    return newest;
}

/* One FILE|DIR argument: true when it was read without any error. */
static bool import_one(struct import_run *r, const struct intel_import_options *base,
                       const struct intel_import_callbacks *cb, const char *path, bool is_quiet)
{
    memset(&r->file, 0, sizeof(r->file));
    r->file.path = path;
    struct intel_import_options opts = *base;
    opts.now_us = import_stamp_us(path);
    int rc = 0;
    if (!import_piped(r, &opts, cb, path, &rc)) {
        snprintf(r->store_err, sizeof(r->store_err), "out of memory");
        r->has_store_failed = true;
        return false;
    }
    if (!r->has_store_failed)
        commit_batch(r);
    progress_done(&r->pr);
    if (r->has_store_failed)
        return false;
    if (rc < 0) {
        /* The importer usually said why already; make sure something is said. */
        if (r->file.errors == 0) {
            fprintf(stderr, "%s: cannot read: %s\n", path, strerror(-rc));
            r->file.errors++;
        }
        r->file.is_unreadable = true;
    }
    file_summary(r, is_quiet);
    return r->file.errors == 0;
}

static struct intel_store *import_open_store(const char *data_dir_opt, int *exit_code)
{
    char dir[4096], db[4096], err[1024];
    *exit_code = cmd_intel_store_path(data_dir_opt, dir, db, sizeof(db));
    if (*exit_code != 0)
        return NULL;
    int rc = data_dir_ensure(dir);
    if (rc != 0) {
        fprintf(stderr, "hradba intel: cannot create the data directory %s: %s\n", dir,
                strerror(-rc));
        *exit_code = EXIT_CODE_FATAL;
        return NULL;
    }
    struct intel_store *st = intel_store_open(db, false, err, sizeof(err));
    if (!st) {
        fprintf(stderr, "hradba intel: %s\n", err);
        *exit_code = EXIT_CODE_FATAL;
    }
    return st;
}

int cmd_intel_import(int argc, char **argv)
{
    struct import_opts o;
    int rc = import_parse(argc, argv, &o);
    if (rc >= 0)
        return rc;
    struct import_run r;
    memset(&r, 0, sizeof(r));
    progress_init(&r.pr, o.progress);
    r.st = import_open_store(o.data_dir, &rc);
    if (!r.st)
        return rc;
    r.queue = intel_import_queue_new(); /* NULL: everything on this thread */
    struct intel_import_callbacks cb = {
        .on_indicator = on_indicator, .on_error = on_error, .ctx = &r};
    bool is_clean = true;
    for (int i = optind; i < argc && !r.has_store_failed; i++)
        if (!import_one(&r, &o.imp, &cb, argv[i], o.is_quiet))
            is_clean = false;
    if (r.has_store_failed) {
        if (r.is_in_txn)
            intel_store_rollback(r.st);
        fprintf(stderr,
                "hradba intel: %s\nhradba intel: the batch in progress was rolled back; "
                "what was committed before stays\n",
                r.store_err);
        intel_store_close(r.st);
        intel_import_queue_free(r.queue);
        return EXIT_CODE_FATAL;
    }
    intel_store_close(r.st);
    intel_import_queue_free(r.queue);
    return is_clean ? EXIT_CODE_OK : EXIT_CODE_INPUT;
}
