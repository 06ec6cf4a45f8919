/* Unit tests for intel/store/: versioning, the active filter, persistence,
 * read-only use, lists, statistics, expire, files that are not stores, the
 * page size of new and older stores, and crash safety (a child killed with SIGKILL inside a
 * transaction and in the middle of a stream of commits). Each test works in its own temp dir.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "intel/store/intel_store.h"
#include "intel/store/intel_store_internal.h"

#include <cmocka.h>

#define T0 1700000000000000LL /* 2023-11-14, microseconds */
#define DAY 86400000000LL

struct tmp {
    char dir[256];
    char db[300];
};

static int setup(void **state)
{
    struct tmp *t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    const char *base = getenv("TMPDIR");
    snprintf(t->dir, sizeof(t->dir), "%s/intel_store_XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1;
    }
    snprintf(t->db, sizeof(t->db), "%s/intel.db", t->dir);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct tmp *t = *state;
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[320];
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", t->db, suffixes[i]);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s/garbage.db", t->dir);
    unlink(p);
    rmdir(t->dir);
    free(t);
    return 0;
}

static const struct intel_related rel_two[] = {
    {"intrusion-set", "intrusion-set--1", "ZIRCONIUM", "G0128", "APT31, Violet Typhoon",
     "indicates"},
    {"malware", NULL, "SOGU", NULL, NULL, "indicates (via intrusion-set)"},
};

static struct intel_indicator ind_make(const char *id, int64_t modified_us, const char *pattern)
{
    return (struct intel_indicator){
        .stix_id = id,
        .source = "unit",
        .name = "test indicator",
        .description = NULL,
        .pattern = pattern,
        .pattern_type = "stix",
        .created_us = T0,
        .modified_us = modified_us,
        .valid_from_us = T0,
        .valid_until_us = INTEL_TIME_NONE,
        .confidence = -1,
        .tlp = INTEL_TLP_AMBER,
        .tlp_origin = INTEL_TLP_NONE,
        .object_json = "{\"type\":\"indicator\"}",
    };
}

static struct intel_store *open_rw(const struct tmp *t)
{
    char err[512];
    struct intel_store *st = intel_store_open(t->db, false, err, sizeof(err));
    if (!st)
        fail_msg("open %s: %s", t->db, err);
    return st;
}

static uint64_t version_of(struct intel_store *st)
{
    uint64_t v = 0;
    assert_int_equal(intel_store_version(st, &v), 0);
    return v;
}

/* A copy of what a callback saw. */
struct seen {
    int calls;
    char id[128], pattern[256], source[64], object_json[256];
    char rel_names[4][64];
    char rel_ids[4][64];
    size_t related_count;
    struct intel_indicator ind; /* strings not valid after the call */
};

static int seen_cb(void *ctx, const struct intel_indicator *ind)
{
    struct seen *s = ctx;
    s->calls++;
    s->ind = *ind;
    snprintf(s->id, sizeof(s->id), "%s", ind->stix_id);
    snprintf(s->pattern, sizeof(s->pattern), "%s", ind->pattern);
    snprintf(s->source, sizeof(s->source), "%s", ind->source);
    snprintf(s->object_json, sizeof(s->object_json), "%s",
             ind->object_json ? ind->object_json : "(null)");
    s->related_count = ind->related_count;
    for (size_t i = 0; i < ind->related_count && i < 4; i++) {
        snprintf(s->rel_names[i], sizeof(s->rel_names[i]), "%s", ind->related[i].name);
        snprintf(s->rel_ids[i], sizeof(s->rel_ids[i]), "%s",
                 ind->related[i].stix_id ? ind->related[i].stix_id : "(null)");
    }
    return 0;
}

static void test_versioning(void **state)
{
    struct tmp *t = *state;
    struct intel_store *st = open_rw(t);
    assert_int_equal(version_of(st), 0);
    int64_t last = 0;
    assert_int_equal(intel_store_last_import(st, &last), 0);
    assert_true(last == INTEL_TIME_NONE);

    struct intel_indicator v1 = ind_make("indicator--a", T0, "[ipv4-addr:value = '192.0.2.1']");
    v1.related = rel_two;
    v1.related_count = 2;
    assert_int_equal(intel_store_put(st, &v1), INTEL_STORE_INSERTED);
    assert_int_equal(version_of(st), 1);
    assert_int_equal(intel_store_last_import(st, &last), 0);
    assert_true(last > T0);

    /* the same version again: nothing changes, not even the version */
    assert_int_equal(intel_store_begin(st), 0);
    assert_int_equal(intel_store_put(st, &v1), INTEL_STORE_UNCHANGED);
    assert_int_equal(intel_store_commit(st), 0);
    assert_int_equal(version_of(st), 1);

    /* a newer version replaces every value, related entries included */
    struct intel_related rel_new = {"malware", "malware--9", "NEWONE", NULL, NULL, "indicates"};
    struct intel_indicator v2 = ind_make("indicator--a", T0 + 1, "[domain-name:value = 'x.test']");
    v2.related = &rel_new;
    v2.related_count = 1;
    v2.source = "other";
    v2.object_json = "{\"v\":2}";
    assert_int_equal(intel_store_put(st, &v2), INTEL_STORE_UPDATED);
    assert_int_equal(version_of(st), 2);
    struct seen s = {0};
    assert_int_equal(intel_store_get(st, "indicator--a", seen_cb, &s), 0);
    assert_int_equal(s.calls, 1);
    assert_string_equal(s.pattern, "[domain-name:value = 'x.test']");
    assert_string_equal(s.source, "other");
    assert_string_equal(s.object_json, "{\"v\":2}");
    assert_int_equal(s.related_count, 1);
    assert_string_equal(s.rel_names[0], "NEWONE");
    assert_true(s.ind.modified_us == T0 + 1);

    /* an older version is ignored */
    assert_int_equal(intel_store_put(st, &v1), INTEL_STORE_OLDER);
    assert_int_equal(version_of(st), 2);
    memset(&s, 0, sizeof(s));
    assert_int_equal(intel_store_get(st, "indicator--a", seen_cb, &s), 0);
    assert_string_equal(s.pattern, "[domain-name:value = 'x.test']");

    struct intel_store_info info;
    assert_int_equal(intel_store_info(st, "indicator--a", &info), 0);
    assert_int_equal(info.revision, 2);
    assert_true(info.first_seen_us <= info.updated_us);
    assert_int_equal(intel_store_info(st, "indicator--none", &info), -ENOENT);
    assert_int_equal(intel_store_get(st, "indicator--none", seen_cb, &s), -ENOENT);

    /* a rolled-back batch leaves nothing behind */
    assert_int_equal(intel_store_begin(st), 0);
    assert_int_equal(intel_store_begin(st), -EALREADY);
    struct intel_indicator b = ind_make("indicator--b", T0, "[ipv4-addr:value = '192.0.2.2']");
    assert_int_equal(intel_store_put(st, &b), INTEL_STORE_INSERTED);
    assert_int_equal(intel_store_rollback(st), 0);
    assert_int_equal(intel_store_rollback(st), -EINVAL);
    assert_int_equal(intel_store_commit(st), -EINVAL);
    assert_int_equal(intel_store_get(st, "indicator--b", seen_cb, &s), -ENOENT);
    assert_int_equal(version_of(st), 2);

    /* records the store cannot keep */
    struct intel_indicator bad = ind_make("indicator--c", T0, NULL);
    assert_int_equal(intel_store_put(st, &bad), -EINVAL);
    bad = ind_make(NULL, T0, "[x:y = 'z']");
    assert_int_equal(intel_store_put(st, &bad), -EINVAL);
    bad = ind_make("indicator--c", T0, "[x:y = 'z']");
    bad.tlp = (enum intel_tlp)9;
    assert_int_equal(intel_store_put(st, &bad), -EINVAL);
    intel_store_close(st);
}

static void test_fields_roundtrip(void **state)
{
    struct tmp *t = *state;
    struct intel_store *st = open_rw(t);
    struct intel_indicator in = ind_make("indicator--f", T0 + 5, "[file:hashes.MD5 = 'x']");
    in.name = NULL;
    in.description = "a \"quoted\" description\nover two lines";
    in.created_us = INTEL_TIME_NONE;
    in.valid_from_us = INTEL_TIME_NONE;
    in.valid_until_us = T0 + 1000 * DAY;
    in.confidence = 85;
    in.indicator_types = "malicious-activity,attribution";
    in.kill_chain_phases = "mitre-attack:command-and-control";
    in.tlp = INTEL_TLP_AMBER_STRICT;
    in.tlp_origin = INTEL_TLP_FROM_MARKING;
    in.related = rel_two;
    in.related_count = 2;
    assert_int_equal(intel_store_put(st, &in), INTEL_STORE_INSERTED);
    struct seen s = {0};
    assert_int_equal(intel_store_get(st, "indicator--f", seen_cb, &s), 0);
    const struct intel_indicator *o = &s.ind;
    assert_null(o->name);
    assert_true(o->created_us == INTEL_TIME_NONE);
    assert_true(o->valid_from_us == INTEL_TIME_NONE);
    assert_true(o->valid_until_us == T0 + 1000 * DAY);
    assert_true(o->modified_us == T0 + 5);
    assert_int_equal(o->confidence, 85);
    assert_int_equal(o->tlp, INTEL_TLP_AMBER_STRICT);
    assert_int_equal(o->tlp_origin, INTEL_TLP_FROM_MARKING);
    assert_false(o->is_revoked);
    assert_int_equal(s.related_count, 2);
    assert_string_equal(s.rel_names[0], "ZIRCONIUM");
    assert_string_equal(s.rel_ids[0], "intrusion-set--1");
    assert_string_equal(s.rel_names[1], "SOGU");
    assert_string_equal(s.rel_ids[1], "(null)");
    assert_string_equal(s.object_json, "{\"type\":\"indicator\"}");
    intel_store_close(st);
}

/* Checks one field of each of the stored records inside the callback, where
 * the strings are still valid. */
static int check_full_cb(void *ctx, const struct intel_indicator *ind)
{
    (void)ctx;
    assert_string_equal(ind->description, "a \"quoted\" description\nover two lines");
    assert_string_equal(ind->indicator_types, "malicious-activity,attribution");
    assert_string_equal(ind->kill_chain_phases, "mitre-attack:command-and-control");
    assert_string_equal(ind->related[0].aliases, "APT31, Violet Typhoon");
    assert_string_equal(ind->related[0].external_id, "G0128");
    assert_string_equal(ind->related[1].relationship, "indicates (via intrusion-set)");
    assert_null(ind->related[1].aliases);
    return 0;
}

static void test_fields_strings(void **state)
{
    struct tmp *t = *state;
    test_fields_roundtrip(state);
    struct intel_store *st = open_rw(t);
    assert_int_equal(intel_store_get(st, "indicator--f", check_full_cb, NULL), 0);
    intel_store_close(st);
}

struct ids {
    int count;
    char id[16][64];
};

static int ids_cb(void *ctx, const struct intel_indicator *ind)
{
    struct ids *x = ctx;
    if (x->count < 16)
        snprintf(x->id[x->count], sizeof(x->id[0]), "%s", ind->stix_id);
    x->count++;
    return 0;
}

/* One of each kind: active, revoked, expired, not yet valid, not stix,
 * active with an end in the future, active without valid_from. */
static void put_kinds(struct intel_store *st)
{
    struct intel_indicator k[7];
    k[0] = ind_make("indicator--active", T0, "[ipv4-addr:value = '192.0.2.1']");
    k[1] = ind_make("indicator--revoked", T0, "[ipv4-addr:value = '192.0.2.2']");
    k[1].is_revoked = true;
    k[2] = ind_make("indicator--expired", T0, "[ipv4-addr:value = '192.0.2.3']");
    k[2].valid_until_us = T0 + 5 * DAY;
    k[3] = ind_make("indicator--future", T0, "[ipv4-addr:value = '192.0.2.4']");
    k[3].valid_from_us = T0 + 20 * DAY;
    k[4] = ind_make("indicator--sigma", T0, "title: x");
    k[4].pattern_type = "sigma";
    k[4].source = "other";
    k[5] = ind_make("indicator--until", T0, "[ipv4-addr:value = '192.0.2.5']");
    k[5].valid_until_us = T0 + 30 * DAY;
    k[5].tlp = INTEL_TLP_RED;
    k[6] = ind_make("indicator--open", T0, "[domain-name:value = 'evil.test']");
    k[6].valid_from_us = INTEL_TIME_NONE;
    k[6].tlp = INTEL_TLP_CLEAR;
    k[6].source = "other";
    assert_int_equal(intel_store_begin(st), 0);
    for (int i = 0; i < 7; i++)
        assert_int_equal(intel_store_put(st, &k[i]), INTEL_STORE_INSERTED);
    assert_int_equal(intel_store_commit(st), 0);
}

static void test_active(void **state)
{
    struct tmp *t = *state;
    struct intel_store *st = open_rw(t);
    put_kinds(st);
    assert_int_equal(version_of(st), 1);
    struct ids x = {0};
    assert_int_equal(intel_store_each_active(st, T0 + 10 * DAY, ids_cb, &x), 0);
    assert_int_equal(x.count, 3);
    assert_string_equal(x.id[0], "indicator--active");
    assert_string_equal(x.id[1], "indicator--until");
    assert_string_equal(x.id[2], "indicator--open");
    /* valid_until is exclusive, valid_from inclusive */
    memset(&x, 0, sizeof(x));
    assert_int_equal(intel_store_each_active(st, T0 + 20 * DAY, ids_cb, &x), 0);
    assert_int_equal(x.count, 4);
    memset(&x, 0, sizeof(x));
    assert_int_equal(intel_store_each_active(st, T0 + 30 * DAY, ids_cb, &x), 0);
    assert_int_equal(x.count, 3);
    /* revoked in a newer version: no longer active */
    struct intel_indicator r = ind_make("indicator--active", T0 + 1, "[ipv4-addr:value = '1']");
    r.is_revoked = true;
    assert_int_equal(intel_store_put(st, &r), INTEL_STORE_UPDATED);
    memset(&x, 0, sizeof(x));
    assert_int_equal(intel_store_each_active(st, T0 + 10 * DAY, ids_cb, &x), 0);
    assert_int_equal(x.count, 2);
    intel_store_close(st);
}

static int stop_cb(void *ctx, const struct intel_indicator *ind)
{
    (void)ind;
    int *n = ctx;
    return ++*n == 2 ? 42 : 0;
}

struct reenter {
    struct intel_store *st;
    int gets, nested_rc;
};

static int reenter_cb(void *ctx, const struct intel_indicator *ind)
{
    struct reenter *r = ctx;
    struct seen s = {0};
    if (intel_store_get(r->st, ind->stix_id, seen_cb, &s) == 0 && strcmp(s.id, ind->stix_id) == 0)
        r->gets++;
    struct ids x = {0};
    r->nested_rc = intel_store_each_active(r->st, T0, ids_cb, &x);
    return 0;
}

static void test_callbacks(void **state)
{
    struct tmp *t = *state;
    struct intel_store *st = open_rw(t);
    put_kinds(st);
    int n = 0;
    assert_int_equal(intel_store_each_active(st, T0 + 10 * DAY, stop_cb, &n), 42);
    assert_int_equal(n, 2);
    /* the statement was reset: a new walk starts from the beginning */
    struct ids x = {0};
    assert_int_equal(intel_store_each_active(st, T0 + 10 * DAY, ids_cb, &x), 0);
    assert_int_equal(x.count, 3);
    struct reenter r = {.st = st};
    assert_int_equal(intel_store_each_active(st, T0 + 10 * DAY, reenter_cb, &r), 0);
    assert_int_equal(r.gets, 3);
    assert_int_equal(r.nested_rc, -EBUSY);
    intel_store_close(st);
}

static void test_list(void **state)
{
    struct tmp *t = *state;
    struct intel_store *st = open_rw(t);
    put_kinds(st);
    struct intel_store_filter f = {.now_us = T0 + 10 * DAY};
    struct ids x = {0};
    assert_int_equal(intel_store_list(st, &f, ids_cb, &x), 0);
    assert_int_equal(x.count, 7);
    assert_string_equal(x.id[0], "indicator--active");
    f.source = "other";
    memset(&x, 0, sizeof(x));
    assert_int_equal(intel_store_list(st, &f, ids_cb, &x), 0);
    assert_int_equal(x.count, 2);
    f.active_only = true;
    memset(&x, 0, sizeof(x));
    assert_int_equal(intel_store_list(st, &f, ids_cb, &x), 0);
    assert_int_equal(x.count, 1);
    assert_string_equal(x.id[0], "indicator--open");
    f = (struct intel_store_filter){.contains = "192.0.2", .now_us = T0 + 10 * DAY};
    memset(&x, 0, sizeof(x));
    assert_int_equal(intel_store_list(st, &f, ids_cb, &x), 0);
    assert_int_equal(x.count, 5);
    f.active_only = true;
    memset(&x, 0, sizeof(x));
    assert_int_equal(intel_store_list(st, &f, ids_cb, &x), 0);
    assert_int_equal(x.count, 2);
    f = (struct intel_store_filter){.limit = 3};
    memset(&x, 0, sizeof(x));
    assert_int_equal(intel_store_list(st, &f, ids_cb, &x), 0);
    assert_int_equal(x.count, 3);
    /* a pattern with SQL wildcards and quotes is a plain substring */
    f = (struct intel_store_filter){.contains = "%' OR 1=1 --"};
    memset(&x, 0, sizeof(x));
    assert_int_equal(intel_store_list(st, &f, ids_cb, &x), 0);
    assert_int_equal(x.count, 0);
    intel_store_close(st);
}

static void test_stats(void **state)
{
    struct tmp *t = *state;
    struct intel_store *st = open_rw(t);
    struct intel_store_stats s;
    assert_int_equal(intel_store_stats(st, T0, &s), 0);
    assert_int_equal(s.indicators, 0);
    assert_true(s.last_import_us == INTEL_TIME_NONE);
    put_kinds(st);
    assert_int_equal(intel_store_stats(st, T0 + 10 * DAY, &s), 0);
    assert_int_equal(s.indicators, 7);
    assert_int_equal(s.active, 3);
    assert_int_equal(s.revoked, 1);
    assert_int_equal(s.expired, 1);
    assert_int_equal(s.not_yet_valid, 1);
    assert_int_equal(s.not_stix, 1);
    assert_int_equal(s.by_tlp[INTEL_TLP_CLEAR], 1);
    assert_int_equal(s.by_tlp[INTEL_TLP_AMBER], 5);
    assert_int_equal(s.by_tlp[INTEL_TLP_RED], 1);
    assert_int_equal(s.sources, 2);
    assert_true(s.last_import_us > T0);
    assert_true(s.file_bytes > 0);
    intel_store_close(st);
}

static void test_expire(void **state)
{
    struct tmp *t = *state;
    struct intel_store *st = open_rw(t);
    put_kinds(st);
    uint64_t v = version_of(st), removed = 99;
    /* nothing ended before T0 */
    assert_int_equal(intel_store_expire(st, T0, false, &removed), 0);
    assert_int_equal(removed, 0);
    assert_int_equal(version_of(st), v);
    /* "expired" ended at T0 + 5 days */
    assert_int_equal(intel_store_expire(st, T0 + 6 * DAY, false, &removed), 0);
    assert_int_equal(removed, 1);
    assert_int_equal(version_of(st), v + 1);
    struct seen s = {0};
    assert_int_equal(intel_store_get(st, "indicator--expired", seen_cb, &s), -ENOENT);
    assert_int_equal(intel_store_get(st, "indicator--revoked", seen_cb, &s), 0);
    assert_int_equal(intel_store_expire(st, T0 + 6 * DAY, true, &removed), 0);
    assert_int_equal(removed, 1);
    assert_int_equal(intel_store_get(st, "indicator--revoked", seen_cb, &s), -ENOENT);
    struct intel_store_stats stats;
    assert_int_equal(intel_store_stats(st, T0 + 10 * DAY, &stats), 0);
    assert_int_equal(stats.indicators, 5);

    /* a removed version does not come back with the same feed... */
    v = version_of(st);
    struct intel_indicator again = ind_make("indicator--revoked", T0, "[ipv4-addr:value = '2']");
    assert_int_equal(intel_store_put(st, &again), INTEL_STORE_UNCHANGED);
    again.modified_us = T0 - 1;
    assert_int_equal(intel_store_put(st, &again), INTEL_STORE_OLDER);
    assert_int_equal(version_of(st), v);
    assert_int_equal(intel_store_get(st, "indicator--revoked", seen_cb, &s), -ENOENT);
    /* ...but a newer version does */
    again.modified_us = T0 + 1;
    assert_int_equal(intel_store_put(st, &again), INTEL_STORE_INSERTED);
    assert_int_equal(intel_store_get(st, "indicator--revoked", seen_cb, &s), 0);
    assert_int_equal(version_of(st), v + 1);
    intel_store_close(st);
}

static void test_persistence_and_read_only(void **state)
{
    struct tmp *t = *state;
    char err[512];
    /* read-only on a missing file: a message, and no file created */
    assert_null(intel_store_open(t->db, true, err, sizeof(err)));
    assert_non_null(strstr(err, "no intel store"));
    assert_int_equal(access(t->db, F_OK), -1);

    struct intel_store *st = open_rw(t);
    put_kinds(st);
    intel_store_close(st);

    st = intel_store_open(t->db, true, err, sizeof(err));
    assert_non_null(st);
    assert_int_equal(version_of(st), 1);
    struct ids x = {0};
    assert_int_equal(intel_store_each_active(st, T0 + 10 * DAY, ids_cb, &x), 0);
    assert_int_equal(x.count, 3);
    struct intel_indicator in = ind_make("indicator--ro", T0, "[ipv4-addr:value = '1']");
    assert_int_equal(intel_store_put(st, &in), -EROFS);
    assert_int_equal(intel_store_begin(st), -EROFS);
    uint64_t removed;
    assert_int_equal(intel_store_expire(st, T0 + 100 * DAY, true, &removed), -EROFS);
    /* a writer and a reader at the same time */
    struct intel_store *w = open_rw(t);
    assert_int_equal(intel_store_begin(w), 0);
    assert_int_equal(intel_store_put(w, &in), INTEL_STORE_INSERTED);
    memset(&x, 0, sizeof(x));
    assert_int_equal(intel_store_each_active(st, T0 + 10 * DAY, ids_cb, &x), 0);
    assert_int_equal(x.count, 3); /* not committed yet */
    assert_int_equal(intel_store_commit(w), 0);
    memset(&x, 0, sizeof(x));
    assert_int_equal(intel_store_each_active(st, T0 + 10 * DAY, ids_cb, &x), 0);
    assert_int_equal(x.count, 4);
    assert_int_equal(version_of(st), 2);
    intel_store_close(w);
    intel_store_close(st);

    st = open_rw(t);
    assert_int_equal(version_of(st), 2);
    assert_int_equal(intel_store_check(st), 0);
    intel_store_close(st);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static size_t read_file(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static void test_not_a_store(void **state)
{
    struct tmp *t = *state;
    char err[512], path[320], back[8192], wal[330];
    snprintf(path, sizeof(path), "%s/garbage.db", t->dir);
    char junk[4096];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (char)(i * 7 + 3);
    memcpy(junk, "this is not a database at all\n", 30);
    write_file(path, junk, sizeof(junk));
    for (int ro = 0; ro < 2; ro++) {
        assert_null(intel_store_open(path, ro, err, sizeof(err)));
        assert_non_null(strstr(err, "not an SQLite database"));
        assert_non_null(strstr(err, path));
    }
    assert_int_equal(read_file(path, back, sizeof(back)), sizeof(junk));
    assert_memory_equal(back, junk, sizeof(junk));
    snprintf(wal, sizeof(wal), "%s-wal", path);
    assert_int_equal(access(wal, F_OK), -1);
    assert_int_equal(unlink(path), 0);

    /* some other program's SQLite database */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(t->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_null(intel_store_open(t->db, false, err, sizeof(err)));
    assert_non_null(strstr(err, "not an hradba intel store"));
    assert_int_equal(unlink(t->db), 0);

    /* a store from a newer hradba */
    intel_store_close(open_rw(t));
    assert_int_equal(sqlite3_open(t->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=7", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    for (int ro = 0; ro < 2; ro++) {
        assert_null(intel_store_open(t->db, ro, err, sizeof(err)));
        assert_non_null(strstr(err, "newer hradba"));
    }

    /* a directory that does not exist */
    snprintf(path, sizeof(path), "%s/missing/intel.db", t->dir);
    assert_null(intel_store_open(path, false, err, sizeof(err)));
    assert_non_null(strstr(err, "cannot open"));
    assert_null(intel_store_open(NULL, false, NULL, 0));
}

/* A simulated row-key collision: another id holding B's key makes B's put
 * fail, not overwrite. */
static void test_row_key(void **state)
{
    struct tmp *t = *state;
    struct intel_store *st = open_rw(t);
    struct intel_indicator a = ind_make("indicator--a", T0, "[ipv4-addr:value = '1']");
    struct intel_indicator b = ind_make("indicator--b", T0, "[ipv4-addr:value = '2']");
    assert_int_equal(intel_store_put(st, &a), INTEL_STORE_INSERTED);
    char sql[160];
    snprintf(sql, sizeof(sql), "UPDATE indicator SET id_key = %lld WHERE stix_id = 'indicator--a'",
             (long long)intel_store_key_of(st, "indicator--b"));
    intel_store_close(st);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(t->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    st = open_rw(t);
    assert_int_equal(intel_store_put(st, &b), -EEXIST);
    assert_non_null(strstr(intel_store_errmsg(st), "indicator--b shares its row key"));
    struct intel_store_stats s;
    assert_int_equal(intel_store_stats(st, T0, &s), 0);
    assert_int_equal(s.indicators, 1);
    intel_store_close(st);
}

/* Returns the put's result; the crash tests' children must not call cmocka. */
static int put_numbered_rc(struct intel_store *st, int i, int64_t modified_us)
{
    char id[64], pattern[96];
    snprintf(id, sizeof(id), "indicator--%08x-0000-4000-8000-000000000000", (unsigned)i);
    snprintf(pattern, sizeof(pattern), "[ipv4-addr:value = '10.%d.%d.%d']", (i >> 16) & 255,
             (i >> 8) & 255, i & 255);
    struct intel_indicator in = ind_make(id, modified_us, pattern);
    in.related = rel_two;
    in.related_count = (size_t)(i % 3 == 0 ? 2 : 0);
    return intel_store_put(st, &in);
}

static void put_numbered(struct intel_store *st, int i, int64_t modified_us)
{
    int rc = put_numbered_rc(st, i, modified_us);
    if (rc < 0)
        fail_msg("put %d: %d %s", i, rc, intel_store_errmsg(st));
}

/* The child dies with SIGKILL while its transaction is open. */
static void test_crash_uncommitted(void **state)
{
    struct tmp *t = *state;
    struct intel_store *st = open_rw(t);
    assert_int_equal(intel_store_begin(st), 0);
    for (int i = 0; i < 1000; i++)
        put_numbered(st, i, T0);
    assert_int_equal(intel_store_commit(st), 0);
    intel_store_close(st);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[512];
        struct intel_store *c = intel_store_open(t->db, false, err, sizeof(err));
        if (!c || intel_store_begin(c) != 0)
            _exit(2);
        for (int i = 0; i < 50000; i++)
            if (put_numbered_rc(c, i, i < 1000 ? T0 + 1 : T0) < 0)
                _exit(4);
        raise(SIGKILL);
        _exit(3);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    st = open_rw(t);
    assert_int_equal(intel_store_check(st), 0);
    struct intel_store_stats s;
    assert_int_equal(intel_store_stats(st, T0, &s), 0);
    assert_int_equal(s.indicators, 1000);
    assert_int_equal(version_of(st), 1);
    struct intel_store_info info;
    assert_int_equal(intel_store_info(st, "indicator--00000005-0000-4000-8000-000000000000", &info),
                     0);
    assert_int_equal(info.revision, 1);
    intel_store_close(st);
}

/* The child commits batches of 500 as fast as it can and is killed at a
 * random point: every batch is in or out as a whole. */
static void test_crash_between_commits(void **state)
{
    struct tmp *t = *state;
    intel_store_close(open_rw(t));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[512];
        struct intel_store *c = intel_store_open(t->db, false, err, sizeof(err));
        if (!c)
            _exit(2);
        for (int b = 0;; b++) {
            if (intel_store_begin(c) != 0)
                _exit(4);
            for (int i = 0; i < 500; i++)
                if (put_numbered_rc(c, b * 500 + i, T0) < 0)
                    _exit(6);
            if (intel_store_commit(c) != 0)
                _exit(5);
        }
    }
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));

    struct intel_store *st = open_rw(t);
    assert_int_equal(intel_store_check(st), 0);
    struct intel_store_stats s;
    assert_int_equal(intel_store_stats(st, T0, &s), 0);
    assert_int_equal(s.indicators % 500, 0);
    assert_int_equal(version_of(st), s.indicators / 500);
    print_message("killed after %" PRIu64 " committed batches\n", s.indicators / 500);
    intel_store_close(st);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_cb(void *ctx, const struct intel_indicator *ind)
{
    uint64_t *n = ctx;
    *n += 1 + ind->related_count;
    return 0;
}

static void test_bulk(void **state)
{
    struct tmp *t = *state;
    enum { N = 100000, BATCH = 50000 };
    struct intel_store *st = open_rw(t);
    double t0 = now_s();
    for (int b = 0; b < N / BATCH; b++) {
        assert_int_equal(intel_store_begin(st), 0);
        for (int i = 0; i < BATCH; i++)
            put_numbered(st, b * BATCH + i, T0);
        assert_int_equal(intel_store_commit(st), 0);
    }
    double t1 = now_s();
    assert_int_equal(intel_store_begin(st), 0);
    for (int i = 0; i < N; i++)
        put_numbered(st, i, T0);
    assert_int_equal(intel_store_commit(st), 0);
    double t2 = now_s();
    uint64_t n = 0;
    assert_int_equal(intel_store_each_active(st, T0, count_cb, &n), 0);
    double t3 = now_s();
    assert_int_equal(n, N + 2 * ((N + 2) / 3));
    assert_int_equal(version_of(st), N / BATCH);
    print_message("%d puts: %.2f s new, %.2f s unchanged; each_active %.2f s\n", N, t1 - t0,
                  t2 - t1, t3 - t2);
    intel_store_close(st);
}

/* PRAGMA page_size of the file, read with a connection of our own. */
static int64_t file_page_size(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int64_t size = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        size = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return size;
}

/* A new store has 16 KiB pages; a store made with 4 KiB pages (as earlier
 * versions did) keeps them and works the same. */
static void test_page_size(void **state)
{
    struct tmp *t = *state;
    struct intel_store *st = open_rw(t);
    put_numbered(st, 1, T0);
    intel_store_close(st);
    assert_int_equal(file_page_size(t->db), 16384);
    const char *suffixes[] = {"", "-wal", "-shm"};
    char p[320];
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s%s", t->db, suffixes[i]);
        unlink(p);
    }
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(t->db, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "PRAGMA page_size=4096; PRAGMA journal_mode=WAL", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    st = open_rw(t);
    assert_int_equal(intel_store_begin(st), 0);
    for (int i = 0; i < 1000; i++)
        put_numbered(st, i, T0);
    assert_int_equal(intel_store_commit(st), 0);
    uint64_t n = 0;
    assert_int_equal(intel_store_each_active(st, T0, count_cb, &n), 0);
    assert_int_equal(n, 1000 + 2 * ((1000 + 2) / 3));
    intel_store_close(st);
    assert_int_equal(file_page_size(t->db), 4096);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_versioning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fields_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fields_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_active, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callbacks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expire, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persistence_and_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_row_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_uncommitted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_between_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_size, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
