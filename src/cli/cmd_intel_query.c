/* cmd_intel_query.c — `hradba intel list|show|stats`: the commands that read
 * the indicator store.
 *
 * Text output is one line per indicator with tab-separated columns (control
 * characters and invalid UTF-8 in values become \xNN); --json writes one
 * JSON object per line, fields as in docs/hradba.md, "hradba intel". The
 * store is opened read-only: these commands never change it, and run while
 * an import does.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_intel.h"
#include "cli/exit_code.h"
#include "intel/store/intel_store.h"
#include "output/json_buf.h"

static bool is_active(const struct intel_indicator *ind, int64_t now)
{
    return !ind->is_revoked && strcmp(ind->pattern_type, "stix") == 0 &&
           (ind->valid_from_us == INTEL_TIME_NONE || ind->valid_from_us <= now) &&
           (ind->valid_until_us == INTEL_TIME_NONE || ind->valid_until_us > now);
}

/* "active", "active until 2026-01-01", "expired 2025-01-01", "revoked", ... */
static const char *state_text(const struct intel_indicator *ind, int64_t now, char *buf, size_t cap)
{
    char t[40];
    if (ind->is_revoked)
        return "revoked";
    if (strcmp(ind->pattern_type, "stix") != 0) {
        snprintf(buf, cap, "not matched (%s pattern)", ind->pattern_type);
        return buf;
    }
    if (ind->valid_from_us != INTEL_TIME_NONE && ind->valid_from_us > now) {
        cmd_intel_time(ind->valid_from_us, t, sizeof(t));
        snprintf(buf, cap, "not yet valid (from %.10s)", t);
        return buf;
    }
    if (ind->valid_until_us == INTEL_TIME_NONE)
        return "active";
    cmd_intel_time(ind->valid_until_us, t, sizeof(t));
    snprintf(buf, cap, "%s %.10s", ind->valid_until_us > now ? "active until" : "expired", t);
    return buf;
}

static void put_clean(const char *s)
{
    cmd_intel_put_clean(stdout, s);
}

static const char *tlp_origin_name(enum intel_tlp_origin o)
{
    switch (o) {
    case INTEL_TLP_FROM_MARKING:
        return "marking";
    case INTEL_TLP_FROM_TAG:
        return "tag";
    case INTEL_TLP_UNKNOWN_ID:
        return "unknown-marking";
    case INTEL_TLP_NONE:
        break;
    }
    return "default";
}

static void jstr(struct json_buf *b, const char *key, const char *s)
{
    if (s)
        json_buf_string(b, key, s);
    else
        json_buf_raw(b, key, "null", 4);
}

static void jtime(struct json_buf *b, const char *key, int64_t us)
{
    char t[40];
    cmd_intel_time(us, t, sizeof(t));
    jstr(b, key, us == INTEL_TIME_NONE ? NULL : t);
}

/* A comma-separated list as a JSON array of trimmed items. */
static void jlist(struct json_buf *b, const char *key, const char *csv)
{
    json_buf_open_array(b, key);
    for (const char *p = csv; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *q = p;
        while (n && *q == ' ') {
            q++;
            n--;
        }
        while (n && q[n - 1] == ' ')
            n--;
        if (n)
            json_buf_string_n(b, NULL, q, n);
        p = end ? end + 1 : p + strlen(p);
    }
    json_buf_close_array(b);
}

static void json_related(struct json_buf *b, const struct intel_indicator *ind)
{
    json_buf_open_array(b, "related");
    for (size_t i = 0; i < ind->related_count; i++) {
        const struct intel_related *r = &ind->related[i];
        json_buf_open_object(b, NULL);
        jstr(b, "type", r->type);
        jstr(b, "id", r->stix_id);
        jstr(b, "name", r->name);
        jstr(b, "external_id", r->external_id);
        jstr(b, "aliases", r->aliases);
        jstr(b, "relationship", r->relationship);
        json_buf_close_object(b);
    }
    json_buf_close_array(b);
}

/* The fields shared by list --json and show --json (object left open). */
static void json_indicator(struct json_buf *b, const struct intel_indicator *ind, int64_t now)
{
    json_buf_open_object(b, NULL);
    jstr(b, "id", ind->stix_id);
    jstr(b, "source", ind->source);
    jstr(b, "name", ind->name);
    jstr(b, "pattern", ind->pattern);
    jstr(b, "pattern_type", ind->pattern_type);
    json_buf_string(b, "tlp", intel_tlp_name(ind->tlp));
    json_buf_string(b, "tlp_origin", tlp_origin_name(ind->tlp_origin));
    if (ind->confidence >= 0)
        json_buf_i64(b, "confidence", ind->confidence);
    else
        json_buf_raw(b, "confidence", "null", 4);
    jtime(b, "modified", ind->modified_us);
    jtime(b, "valid_from", ind->valid_from_us);
    jtime(b, "valid_until", ind->valid_until_us);
    json_buf_bool(b, "revoked", ind->is_revoked);
    json_buf_bool(b, "active", is_active(ind, now));
    jlist(b, "indicator_types", ind->indicator_types);
    jlist(b, "kill_chain_phases", ind->kill_chain_phases);
    json_related(b, ind);
}

static int json_emit(struct json_buf *b)
{
    json_buf_close_object(b);
    json_buf_newline(b);
    if (!json_buf_ok(b))
        return -ENOMEM;
    fwrite(b->data, 1, b->len, stdout);
    json_buf_reset(b);
    return ferror(stdout) ? -EIO : 0;
}

/* Options every read command shares. */
struct read_opts {
    const char *data_dir;
    bool is_json;
    bool is_all;
    const char *source, *contains;
    size_t limit;
};
/* getopt for list/show/stats, and their operands: show takes one indicator
 * id (argv[optind] after the call), the others none. which: the command's
 * name, for messages. Returns -1 to go on or an exit code. */
static int read_parse(int argc, char **argv, const char *which, void (*usage)(FILE *),
                      struct read_opts *o)
{
    enum { OPT_DATA_DIR = 256, OPT_JSON, OPT_SOURCE, OPT_CONTAINS, OPT_ALL, OPT_LIMIT };
    static const struct option longopts[] = {
        {"data-dir", required_argument, NULL, OPT_DATA_DIR},
        {"json", no_argument, NULL, OPT_JSON},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"contains", required_argument, NULL, OPT_CONTAINS},
        {"all", no_argument, NULL, OPT_ALL},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool is_list = strcmp(which, "list") == 0, is_show = strcmp(which, "show") == 0;
    memset(o, 0, sizeof(*o));
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return EXIT_CODE_OK;
        }
        if (c == OPT_DATA_DIR)
            o->data_dir = optarg;
        else if (c == OPT_JSON)
            o->is_json = true;
        else if (is_list && c == OPT_SOURCE)
            o->source = optarg;
        else if (is_list && c == OPT_CONTAINS)
            o->contains = optarg;
        else if (is_list && c == OPT_ALL)
            o->is_all = true;
        else if (is_list && c == OPT_LIMIT) {
            if (cmd_intel_parse_count("--limit", optarg, &o->limit) != 0)
                return EXIT_CODE_USAGE;
        } else {
            if (c != '?')
                fprintf(stderr, "hradba intel %s: option '%s' does not apply here\n", which,
                        argv[optind - 1]);
            fprintf(stderr, "Try 'hradba intel %s --help'.\n", which);
            return EXIT_CODE_USAGE;
        }
    }
    if (is_show && argc - optind != 1) {
        fputs("hradba intel show: give one indicator id\n", stderr);
        usage(stderr);
        return EXIT_CODE_USAGE;
    }
    if (!is_show && optind < argc) {
        fprintf(stderr, "hradba intel %s: unexpected argument '%s'\n", which, argv[optind]);
        return EXIT_CODE_USAGE;
    }
    return -1;
}

/* read_parse, then the store opened read-only, its path in db (cap bytes):
 * -1 to go on with *st (NULL when there is no store yet), or an exit code. */
static int read_begin(int argc, char **argv, const char *which, void (*usage)(FILE *),
                      struct read_opts *o, char *db, size_t cap, struct intel_store **st)
{
    int rc = read_parse(argc, argv, which, usage, o);
    if (rc >= 0)
        return rc;
    bool is_missing;
    *st = cmd_intel_open_store(o->data_dir, true, db, cap, &is_missing, &rc);
    return *st || is_missing ? -1 : rc;
}

/* The end of list and show: rc from reading the store (-EIO when standard
 * output failed); closes the store. Returns the exit code. */
static int read_finish(struct intel_store *st, int rc)
{
    if (rc == -EIO && ferror(stdout)) {
        rc = cmd_intel_finish_output(EXIT_CODE_OK);
    } else if (rc != 0) {
        fprintf(stderr, "hradba intel: %s\n",
                rc == -ENOMEM ? "out of memory" : intel_store_errmsg(st));
        rc = EXIT_CODE_FATAL;
    } else {
        rc = cmd_intel_finish_output(EXIT_CODE_OK);
    }
    intel_store_close(st);
    return rc;
}

static void list_usage(FILE *out)
{
    fputs("usage: hradba intel list [options]\n"
          "\n"
          "One line per stored indicator, in the order they were first imported:\n"
          "id, TLP, source, state (active, active until DATE, expired DATE, revoked,\n"
          "not yet valid, not matched) and pattern, separated by tabs.\n"
          "\n"
          "options:\n"
          "      --source NAME     only indicators from this source\n"
          "      --contains TEXT   only indicators whose pattern contains TEXT\n"
          "      --all             also revoked, expired, not yet valid and non-STIX ones\n"
          "                        (default: only those matched now)\n"
          "      --limit N         at most N lines\n"
          "      --json            one JSON object per line instead\n"
          "      --data-dir DIR    the data directory (see 'hradba intel --help')\n"
          "  -h, --help            show this help\n",
          out);
}

struct list_ctx {
    bool is_json;
    int64_t now;
    struct json_buf b;
};

static int list_cb(void *ctx, const struct intel_indicator *ind)
{
    struct list_ctx *l = ctx;
    if (l->is_json) {
        json_indicator(&l->b, ind, l->now);
        return json_emit(&l->b);
    }
    char state[96];
    printf("%s\t%s\t", ind->stix_id, intel_tlp_name(ind->tlp));
    put_clean(ind->source);
    printf("\t%s\t", state_text(ind, l->now, state, sizeof(state)));
    put_clean(ind->pattern);
    putchar('\n');
    return ferror(stdout) ? -EIO : 0;
}

int cmd_intel_list(int argc, char **argv)
{
    struct read_opts o;
    char db[4096];
    struct intel_store *st;
    int rc = read_begin(argc, argv, "list", list_usage, &o, db, sizeof(db), &st);
    if (rc >= 0)
        return rc;
    if (!st) {
        fprintf(stderr, "hradba intel: no store at %s yet: nothing imported\n", db);
        return EXIT_CODE_OK;
    }
    struct list_ctx l = {.is_json = o.is_json, .now = cmd_intel_now_us()};
    json_buf_init(&l.b);
    struct intel_store_filter f = {.source = o.source,
                                   .contains = o.contains,
                                   .active_only = !o.is_all,
                                   .now_us = l.now,
                                   .limit = o.limit};
    rc = intel_store_list(st, &f, list_cb, &l);
    json_buf_fini(&l.b);
    return read_finish(st, rc);
}

static void show_usage(FILE *out)
{
    fputs("usage: hradba intel show [options] ID\n"
          "\n"
          "Everything stored for one indicator (its STIX id): its fields, where its\n"
          "TLP came from, the objects it is related to, when it was first stored and\n"
          "last updated, and the STIX object as imported.\n"
          "\n"
          "options:\n"
          "      --json            one JSON object instead (the object as imported\n"
          "                        under \"object\")\n"
          "      --data-dir DIR    the data directory (see 'hradba intel --help')\n"
          "  -h, --help            show this help\n",
          out);
}

struct show_ctx {
    bool is_json;
    int64_t now;
    const struct intel_store_info *info;
};

static void show_line(const char *label, const char *value)
{
    printf("%-14s ", label);
    put_clean(value ? value : "-");
    putchar('\n');
}

static void show_time(const char *label, int64_t us)
{
    char t[40];
    cmd_intel_time(us, t, sizeof(t));
    show_line(label, t);
}

static void show_related(const struct intel_indicator *ind)
{
    for (size_t i = 0; i < ind->related_count; i++) {
        const struct intel_related *r = &ind->related[i];
        printf("%-14s ", i == 0 ? "related:" : "");
        put_clean(r->type ? r->type : "?");
        putchar(' ');
        put_clean(r->name ? r->name : "(no name)");
        if (r->external_id) {
            fputs(" (", stdout);
            put_clean(r->external_id);
            putchar(')');
        }
        if (r->aliases) {
            fputs(" aka ", stdout);
            put_clean(r->aliases);
        }
        if (r->relationship) {
            fputs(" — ", stdout);
            put_clean(r->relationship);
        }
        if (r->stix_id) {
            fputs(" [", stdout);
            put_clean(r->stix_id);
            putchar(']');
        }
        putchar('\n');
    }
}

static void show_text(const struct show_ctx *s, const struct intel_indicator *ind)
{
    char buf[96], conf[16];
    show_line("id:", ind->stix_id);
    show_line("name:", ind->name);
    show_line("source:", ind->source);
    show_line("pattern:", ind->pattern);
    show_line("pattern type:", ind->pattern_type);
    show_line("state:", state_text(ind, s->now, buf, sizeof(buf)));
    snprintf(buf, sizeof(buf), "%s (%s)", intel_tlp_name(ind->tlp),
             tlp_origin_name(ind->tlp_origin));
    show_line("tlp:", buf);
    snprintf(conf, sizeof(conf), "%d", ind->confidence);
    show_line("confidence:", ind->confidence >= 0 ? conf : NULL);
    show_time("created:", ind->created_us);
    show_time("modified:", ind->modified_us);
    show_time("valid from:", ind->valid_from_us);
    show_time("valid until:", ind->valid_until_us);
    show_line("revoked:", ind->is_revoked ? "yes" : "no");
    show_line("types:", ind->indicator_types);
    show_line("kill chain:", ind->kill_chain_phases);
    show_line("description:", ind->description);
    show_related(ind);
    show_time("first stored:", s->info->first_seen_us);
    show_time("last updated:", s->info->updated_us);
    snprintf(buf, sizeof(buf), "%" PRIu64, s->info->revision);
    show_line("versions:", buf);
    show_line("object:", ind->object_json);
}

static int show_json(const struct show_ctx *s, const struct intel_indicator *ind)
{
    struct json_buf b;
    json_buf_init(&b);
    json_indicator(&b, ind, s->now);
    jstr(&b, "description", ind->description);
    jtime(&b, "created", ind->created_us);
    jtime(&b, "first_stored", s->info->first_seen_us);
    jtime(&b, "last_updated", s->info->updated_us);
    json_buf_u64(&b, "versions", s->info->revision);
    /* The object as imported, when it is (still) valid JSON. */
    json_t *obj = ind->object_json ? json_loads(ind->object_json, JSON_DECODE_ANY, NULL) : NULL;
    if (obj)
        json_buf_raw(&b, "object", ind->object_json, strlen(ind->object_json));
    else
        jstr(&b, "object", ind->object_json);
    json_decref(obj);
    int rc = json_emit(&b);
    json_buf_fini(&b);
    return rc;
}

static int show_cb(void *ctx, const struct intel_indicator *ind)
{
    const struct show_ctx *s = ctx;
    if (s->is_json)
        return show_json(s, ind);
    show_text(s, ind);
    return 0;
}

int cmd_intel_show(int argc, char **argv)
{
    struct read_opts o;
    char db[4096];
    struct intel_store *st;
    int rc = read_begin(argc, argv, "show", show_usage, &o, db, sizeof(db), &st);
    if (rc >= 0)
        return rc;
    const char *id = argv[optind];
    struct intel_store_info info = {0};
    rc = st ? intel_store_info(st, id, &info) : -ENOENT;
    struct show_ctx s = {.is_json = o.is_json, .now = cmd_intel_now_us(), .info = &info};
    if (rc == 0)
        rc = intel_store_get(st, id, show_cb, &s);
    if (rc != -ENOENT)
        return read_finish(st, rc);
    fprintf(stderr, "hradba intel: no indicator %s in %s\n", id, db);
    intel_store_close(st);
    return EXIT_CODE_INPUT;
}

static void stats_usage(FILE *out)
{
    fputs("usage: hradba intel stats [options]\n"
          "\n"
          "What the store holds: indicators, how many are matched now, revoked,\n"
          "expired, not yet valid or not STIX patterns (these overlap), counts per\n"
          "TLP level, sources, the last import, the store version and its size.\n"
          "\n"
          "options:\n"
          "      --json            one JSON object instead\n"
          "      --data-dir DIR    the data directory (see 'hradba intel --help')\n"
          "  -h, --help            show this help\n",
          out);
}

static const char *const tlp_keys[5] = {"clear", "green", "amber", "amber+strict", "red"};

static int stats_print(const char *db, const struct intel_store_stats *s, uint64_t version,
                       bool is_json)
{
    char last[40];
    cmd_intel_time(s->last_import_us, last, sizeof(last));
    if (!is_json) {
        printf("store:          %s (%.1f MiB)\nversion:        %" PRIu64 "\n"
               "indicators:     %" PRIu64 "\n  active:       %" PRIu64 "\n"
               "  revoked:      %" PRIu64 "\n  expired:      %" PRIu64 "\n"
               "  not yet valid: %" PRIu64 "\n  not stix:     %" PRIu64 "\ntlp:           ",
               db, (double)s->file_bytes / 1048576.0, version, s->indicators, s->active, s->revoked,
               s->expired, s->not_yet_valid, s->not_stix);
        for (int t = 0; t < 5; t++)
            printf(" %s %" PRIu64 "%s", tlp_keys[t], s->by_tlp[t], t < 4 ? "," : "\n");
        printf("sources:        %" PRIu64 "\nlast import:    %s\n", s->sources, last);
        return 0;
    }
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_object(&b, NULL);
    json_buf_string(&b, "store", db);
    json_buf_u64(&b, "version", version);
    json_buf_u64(&b, "indicators", s->indicators);
    json_buf_u64(&b, "active", s->active);
    json_buf_u64(&b, "revoked", s->revoked);
    json_buf_u64(&b, "expired", s->expired);
    json_buf_u64(&b, "not_yet_valid", s->not_yet_valid);
    json_buf_u64(&b, "not_stix", s->not_stix);
    json_buf_open_object(&b, "tlp");
    for (int t = 0; t < 5; t++)
        json_buf_u64(&b, tlp_keys[t], s->by_tlp[t]);
    json_buf_close_object(&b);
    json_buf_u64(&b, "sources", s->sources);
    jtime(&b, "last_import", s->last_import_us);
    json_buf_u64(&b, "file_bytes", s->file_bytes);
    int rc = json_emit(&b);
    json_buf_fini(&b);
    return rc;
}

int cmd_intel_stats(int argc, char **argv)
{
    struct read_opts o;
    char db[4096];
    struct intel_store *st;
    int rc = read_begin(argc, argv, "stats", stats_usage, &o, db, sizeof(db), &st);
    if (rc >= 0)
        return rc;
    /* No store yet is an empty store. */
    struct intel_store_stats s = {.last_import_us = INTEL_TIME_NONE};
    uint64_t version = 0;
    rc = st ? intel_store_stats(st, cmd_intel_now_us(), &s) : 0;
    if (rc == 0 && st)
        rc = intel_store_version(st, &version);
    if (cmd_intel_close_store(st, rc) != 0)
        return EXIT_CODE_FATAL;
    stats_print(db, &s, version, o.is_json);
    return cmd_intel_finish_output(EXIT_CODE_OK);
}
