/* intel_store_query.c — reading the store: active indicators for the runtime
 * intel set, one indicator by id, filtered lists and statistics.
 *
 * Rows come back as struct intel_indicator with their related objects; the
 * strings point into SQLite's row or into a scratch buffer owned by the call,
 * valid for one callback. A query runs in one read transaction, so it sees
 * one committed state even while another process imports.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "intel/store/intel_store.h"
#include "intel/store/intel_store_internal.h"

enum { REL_FIELDS = 6 };

/* The related objects of the current row, copied out of SQLite so that the
 * statement can be reset before the callback runs. */
struct rel_scratch {
    struct intel_related *items;
    size_t *offs; /* REL_FIELDS per item; SIZE_MAX for NULL */
    size_t count, cap;
    char *text;
    size_t text_len, text_cap;
};

static void rel_scratch_fini(struct rel_scratch *r)
{
    free(r->items);
    free(r->offs);
    free(r->text);
}

static int rel_append_text(struct rel_scratch *r, const unsigned char *s, int n, size_t *off)
{
    if (!s) {
        *off = SIZE_MAX;
        return 0;
    }
    size_t need = r->text_len + (size_t)n + 1;
    if (need > r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap : 1024;
        while (cap < need)
            cap *= 2;
        char *t = realloc(r->text, cap);
        if (!t)
            return -ENOMEM;
        r->text = t;
        r->text_cap = cap;
    }
    memcpy(r->text + r->text_len, s, (size_t)n);
    r->text[r->text_len + (size_t)n] = '\0';
    *off = r->text_len;
    r->text_len = need;
    return 0;
}

static int rel_grow(struct rel_scratch *r)
{
    if (r->count < r->cap)
        return 0;
    size_t cap = r->cap ? r->cap * 2 : 8;
    struct intel_related *items = realloc(r->items, cap * sizeof(*items));
    if (!items)
        return -ENOMEM;
    r->items = items;
    size_t *offs = realloc(r->offs, cap * REL_FIELDS * sizeof(*offs));
    if (!offs)
        return -ENOMEM;
    r->offs = offs;
    r->cap = cap;
    return 0;
}

static const char *rel_str(const struct rel_scratch *r, size_t off)
{
    return off == SIZE_MAX ? NULL : r->text + off;
}

/* Loads the related rows of indicator id into r. 0, -ENOMEM or -EIO. */
static int rel_load(struct intel_store *st, int64_t id, struct rel_scratch *r)
{
    r->count = 0;
    r->text_len = 0;
    sqlite3_stmt *s = st->stmt[STORE_STMT_REL_SELECT];
    sqlite3_bind_int64(s, 1, id);
    int rc = SQLITE_DONE, out = 0;
    while (out == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        out = rel_grow(r);
        size_t *offs = r->offs + r->count * REL_FIELDS;
        for (int f = 0; out == 0 && f < REL_FIELDS; f++)
            out =
                rel_append_text(r, sqlite3_column_text(s, f), sqlite3_column_bytes(s, f), &offs[f]);
        if (out == 0)
            r->count++;
    }
    if (out == 0 && rc != SQLITE_DONE)
        out = intel_store_fail(st, "reading related objects");
    sqlite3_reset(s);
    if (out != 0)
        return out;
    /* The text buffer has stopped moving: now the pointers can be made. */
    for (size_t i = 0; i < r->count; i++) {
        const size_t *o = r->offs + i * REL_FIELDS;
        r->items[i] = (struct intel_related){
            .type = rel_str(r, o[0]),
            .stix_id = rel_str(r, o[1]),
            .name = rel_str(r, o[2]),
            .external_id = rel_str(r, o[3]),
            .aliases = rel_str(r, o[4]),
            .relationship = rel_str(r, o[5]),
        };
    }
    return 0;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

static int64_t col_time(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? INTEL_TIME_NONE : sqlite3_column_int64(s, i);
}

/* The row at stmt (columns INTEL_STORE_COLUMNS) as an indicator. */
static void row_read(sqlite3_stmt *s, struct intel_indicator *ind)
{
    memset(ind, 0, sizeof(*ind));
    ind->stix_id = col_text(s, 1);
    ind->source = col_text(s, 2);
    ind->name = col_text(s, 3);
    ind->description = col_text(s, 4);
    ind->pattern = col_text(s, 5);
    ind->pattern_type = col_text(s, 6);
    ind->created_us = col_time(s, 7);
    ind->modified_us = sqlite3_column_int64(s, 8);
    ind->valid_from_us = col_time(s, 9);
    ind->valid_until_us = col_time(s, 10);
    ind->is_revoked = sqlite3_column_int(s, 11) != 0;
    ind->confidence = sqlite3_column_type(s, 12) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 12);
    ind->indicator_types = col_text(s, 13);
    ind->kill_chain_phases = col_text(s, 14);
    int tlp = sqlite3_column_int(s, 15);
    /* A level this build does not know is treated as the most restrictive. */
    ind->tlp = tlp >= INTEL_TLP_CLEAR && tlp <= INTEL_TLP_RED ? (enum intel_tlp)tlp : INTEL_TLP_RED;
    int origin = sqlite3_column_int(s, 16);
    ind->tlp_origin = origin >= 0 && origin <= INTEL_TLP_NONE ? (enum intel_tlp_origin)origin
                                                              : INTEL_TLP_UNKNOWN_ID;
    ind->object_json = col_text(s, 18);
}

int intel_store_query_rows(struct intel_store *st, sqlite3_stmt *stmt,
                           int (*cb)(void *ctx, const struct intel_indicator *ind), void *ctx)
{
    struct rel_scratch rel = {0};
    struct intel_indicator ind;
    int rc = SQLITE_DONE, out = 0;
    while (out == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        row_read(stmt, &ind);
        if (!ind.stix_id || !ind.pattern || !ind.pattern_type || !ind.source) {
            out = intel_store_fail(st, "reading an indicator");
            break;
        }
        if (sqlite3_column_int64(stmt, 17) > 0) {
            out = rel_load(st, sqlite3_column_int64(stmt, 0), &rel);
            if (out != 0)
                break;
            ind.related = rel.items;
            ind.related_count = rel.count;
        }
        out = cb(ctx, &ind);
    }
    if (out == 0 && rc != SQLITE_DONE)
        out = intel_store_fail(st, "reading indicators");
    sqlite3_reset(stmt);
    rel_scratch_fini(&rel);
    return out;
}

int intel_store_each_active(struct intel_store *st, int64_t now_us,
                            int (*cb)(void *ctx, const struct intel_indicator *ind), void *ctx)
{
    sqlite3_stmt *s = st->stmt[STORE_STMT_ACTIVE];
    if (sqlite3_stmt_busy(s))
        return -EBUSY; /* called again from its own callback */
    sqlite3_bind_int64(s, 1, now_us);
    return intel_store_query_rows(st, s, cb, ctx);
}

struct get_ctx {
    int (*cb)(void *ctx, const struct intel_indicator *ind);
    void *ctx;
    bool is_found;
};

static int get_cb(void *ctx, const struct intel_indicator *ind)
{
    struct get_ctx *g = ctx;
    g->is_found = true;
    return g->cb(g->ctx, ind);
}

int intel_store_get(struct intel_store *st, const char *stix_id,
                    int (*cb)(void *ctx, const struct intel_indicator *ind), void *ctx)
{
    if (!stix_id)
        return -EINVAL;
    sqlite3_stmt *s = st->stmt[STORE_STMT_GET];
    if (sqlite3_stmt_busy(s))
        return -EBUSY;
    sqlite3_bind_text(s, 1, stix_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, intel_store_key_of(st, stix_id));
    struct get_ctx g = {.cb = cb, .ctx = ctx};
    int rc = intel_store_query_rows(st, s, get_cb, &g);
    if (rc == 0 && !g.is_found)
        return -ENOENT;
    return rc;
}

int intel_store_list(struct intel_store *st, const struct intel_store_filter *f,
                     int (*cb)(void *ctx, const struct intel_indicator *ind), void *ctx)
{
    char sql[1024];
    snprintf(sql, sizeof(sql), "SELECT " INTEL_STORE_COLUMNS " FROM indicator WHERE 1%s%s%s%s%s",
             f->source ? " AND source = ?1" : "", f->contains ? " AND instr(pattern, ?2) > 0" : "",
             f->active_only ? " AND " INTEL_STORE_ACTIVE_WHERE("3") : "", " ORDER BY id",
             f->limit ? " LIMIT ?4" : "");
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return intel_store_fail(st, "listing indicators");
    if (f->source)
        sqlite3_bind_text(s, 1, f->source, -1, SQLITE_STATIC);
    if (f->contains)
        sqlite3_bind_text(s, 2, f->contains, -1, SQLITE_STATIC);
    if (f->active_only)
        sqlite3_bind_int64(s, 3, f->now_us);
    if (f->limit)
        sqlite3_bind_int64(s, 4, f->limit > INT64_MAX ? INT64_MAX : (sqlite3_int64)f->limit);
    int rc = intel_store_query_rows(st, s, cb, ctx);
    sqlite3_finalize(s);
    return rc;
}

static const char stats_sql[] =
    "SELECT count(*), "
    "coalesce(sum(" INTEL_STORE_ACTIVE_WHERE(
        "1") "), 0), "
             "coalesce(sum(is_revoked), 0), "
             "coalesce(sum(valid_until_us IS NOT NULL AND valid_until_us <= ?1), 0), "
             "coalesce(sum(valid_from_us IS NOT NULL AND valid_from_us > ?1), 0), "
             "coalesce(sum(pattern_type <> 'stix'), 0), "
             "coalesce(sum(tlp = 0), 0), coalesce(sum(tlp = 1), 0), coalesce(sum(tlp = 2), 0), "
             "coalesce(sum(tlp = 3), 0), coalesce(sum(tlp NOT IN (0, 1, 2, 3)), 0), "
             "count(DISTINCT source) FROM indicator";

static uint64_t file_size(const char *path, const char *suffix)
{
    char name[4096];
    struct stat sb;
    int n = snprintf(name, sizeof(name), "%s%s", path, suffix);
    if (n < 0 || (size_t)n >= sizeof(name) || stat(name, &sb) != 0)
        return 0;
    return (uint64_t)sb.st_size;
}

int intel_store_stats(struct intel_store *st, int64_t now_us, struct intel_store_stats *out)
{
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, stats_sql, -1, &s, NULL) != SQLITE_OK)
        return intel_store_fail(st, "statistics");
    sqlite3_bind_int64(s, 1, now_us);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        uint64_t *fields[] = {&out->indicators, &out->active,        &out->revoked,
                              &out->expired,    &out->not_yet_valid, &out->not_stix};
        for (int i = 0; i < 6; i++)
            *fields[i] = (uint64_t)sqlite3_column_int64(s, i);
        for (int t = 0; t < 5; t++)
            out->by_tlp[t] = (uint64_t)sqlite3_column_int64(s, 6 + t);
        out->sources = (uint64_t)sqlite3_column_int64(s, 11);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW)
        return intel_store_fail(st, "statistics");
    out->file_bytes = file_size(st->path, "") + file_size(st->path, "-wal");
    return intel_store_last_import(st, &out->last_import_us);
}
