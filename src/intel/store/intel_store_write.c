/* intel_store_write.c — putting indicators into the store and expiring them.
 *
 * The put path is one prepared UPSERT per indicator (plus one row per related
 * object): it inserts a new id, replaces an older version, and leaves a same
 * or newer stored version alone, deciding which in the statement itself. Only
 * when nothing was written does a second lookup tell "unchanged" from "older".
 * Rows are found by a 64-bit keyed hash of the id (intel_store_key.c).
 * Versions follow STIX 2.1 section 3.6: (id, modified) names a version and
 * the greatest modified is the current one.
 */
#include <errno.h>
#include <stdio.h>

#include "intel/store/intel_store.h"
#include "intel/store/intel_store_internal.h"

static void bind_text(sqlite3_stmt *s, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(s, i, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static void bind_time(sqlite3_stmt *s, int i, int64_t t_us)
{
    if (t_us == INTEL_TIME_NONE)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_int64(s, i, t_us);
}

static void put_bind(struct intel_store *st, sqlite3_stmt *s, const struct intel_indicator *ind)
{
    bind_text(s, 1, ind->stix_id);
    bind_text(s, 2, ind->source ? ind->source : "");
    bind_text(s, 3, ind->name);
    bind_text(s, 4, ind->description);
    bind_text(s, 5, ind->pattern);
    bind_text(s, 6, ind->pattern_type);
    bind_time(s, 7, ind->created_us);
    /* Not NULL: the version comparison needs a number (INT64_MIN when absent). */
    sqlite3_bind_int64(s, 8, ind->modified_us);
    bind_time(s, 9, ind->valid_from_us);
    bind_time(s, 10, ind->valid_until_us);
    sqlite3_bind_int(s, 11, ind->is_revoked ? 1 : 0);
    if (ind->confidence >= 0 && ind->confidence <= 100)
        sqlite3_bind_int(s, 12, ind->confidence);
    else
        sqlite3_bind_null(s, 12);
    bind_text(s, 13, ind->indicator_types);
    bind_text(s, 14, ind->kill_chain_phases);
    sqlite3_bind_int(s, 15, (int)ind->tlp);
    sqlite3_bind_int(s, 16, (int)ind->tlp_origin);
    sqlite3_bind_int64(s, 17, (sqlite3_int64)ind->related_count);
    bind_text(s, 18, ind->object_json);
    sqlite3_bind_int64(s, 19, st->txn_now_us);
}

static int put_related(struct intel_store *st, int64_t id, bool is_update,
                       const struct intel_indicator *ind)
{
    if (is_update) {
        sqlite3_stmt *d = st->stmt[STORE_STMT_REL_DELETE];
        sqlite3_bind_int64(d, 1, id);
        int rc = sqlite3_step(d);
        sqlite3_reset(d);
        if (rc != SQLITE_DONE)
            return intel_store_fail(st, "replacing related objects");
    }
    sqlite3_stmt *s = st->stmt[STORE_STMT_REL_INSERT];
    for (size_t i = 0; i < ind->related_count; i++) {
        const struct intel_related *r = &ind->related[i];
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        bind_text(s, 3, r->type);
        bind_text(s, 4, r->stix_id);
        bind_text(s, 5, r->name);
        bind_text(s, 6, r->external_id);
        bind_text(s, 7, r->aliases);
        bind_text(s, 8, r->relationship);
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            return intel_store_fail(st, "storing a related object");
    }
    return 0;
}

/* The version an earlier look-up found (stored or forgotten) against the
 * one being put. */
static int put_compare(int64_t seen_us, const struct intel_indicator *ind)
{
    return seen_us == ind->modified_us ? INTEL_STORE_UNCHANGED : INTEL_STORE_OLDER;
}

/* modified_us of stix_id (row key key) by stmt, PUT_SEEN or FORGOTTEN:
 * 1 found, 0 not, or -EIO. */
static int put_lookup(struct intel_store *st, enum intel_store_stmt which, const char *stix_id,
                      int64_t key, int64_t *seen_us)
{
    sqlite3_stmt *s = st->stmt[which];
    sqlite3_bind_text(s, 1, stix_id, -1, SQLITE_STATIC);
    if (which == STORE_STMT_PUT_SEEN)
        sqlite3_bind_int64(s, 2, key);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *seen_us = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return intel_store_fail(st, "looking up an indicator");
    return rc == SQLITE_ROW;
}

/* Nothing was written: the stored version is the same or newer, or another
 * id holds the same row key (a 64-bit keyed-hash collision: about one chance
 * in 10^7 in a store of a million, and not something a feed can arrange). */
static int put_unwritten(struct intel_store *st, const struct intel_indicator *ind, int64_t key)
{
    int64_t seen = 0;
    int rc = put_lookup(st, STORE_STMT_PUT_SEEN, ind->stix_id, key, &seen);
    if (rc == 0) {
        snprintf(st->errmsg, sizeof(st->errmsg),
                 "%s: %s shares its row key with another stored indicator and was not stored",
                 st->path, ind->stix_id);
        return -EEXIST;
    }
    return rc < 0 ? rc : put_compare(seen, ind);
}

/* The rowid of an indicator just updated. */
static int put_id_of(struct intel_store *st, const char *stix_id, int64_t key, int64_t *id)
{
    sqlite3_stmt *s = st->stmt[STORE_STMT_ID];
    sqlite3_bind_text(s, 1, stix_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, key);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : intel_store_fail(st, "looking up an updated indicator");
}

static int put_one(struct intel_store *st, const struct intel_indicator *ind)
{
    st->txn_puts++;
    int64_t key = intel_store_key_of(st, ind->stix_id);
    int rc;
    if (st->has_forgotten) {
        /* A version no newer than one removed by expire stays out. */
        int64_t gone = 0;
        rc = put_lookup(st, STORE_STMT_FORGOTTEN, ind->stix_id, key, &gone);
        if (rc < 0)
            return rc;
        if (rc == 1 && gone >= ind->modified_us)
            return put_compare(gone, ind);
    }
    sqlite3_stmt *s = st->stmt[STORE_STMT_PUT];
    put_bind(st, s, ind);
    sqlite3_bind_int64(s, 20, key);
    sqlite3_set_last_insert_rowid(st->db, 0);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return intel_store_fail(st, "storing an indicator");
    if (sqlite3_changes(st->db) == 0)
        return put_unwritten(st, ind, key);
    st->txn_changed = true;
    int64_t id = sqlite3_last_insert_rowid(st->db);
    bool is_update = id == 0;
    if (is_update && (rc = put_id_of(st, ind->stix_id, key, &id)) != 0)
        return rc;
    rc = put_related(st, id, is_update, ind);
    if (rc != 0)
        return rc;
    return is_update ? INTEL_STORE_UPDATED : INTEL_STORE_INSERTED;
}

static bool put_is_valid(const struct intel_indicator *ind)
{
    return ind && ind->stix_id && ind->pattern && ind->pattern_type &&
           (ind->related || ind->related_count == 0) && (unsigned)ind->tlp <= INTEL_TLP_RED &&
           (unsigned)ind->tlp_origin <= INTEL_TLP_NONE;
}

int intel_store_put(struct intel_store *st, const struct intel_indicator *ind)
{
    if (!put_is_valid(ind))
        return -EINVAL;
    if (st->is_read_only)
        return -EROFS;
    if (st->in_txn)
        return put_one(st, ind);
    /* A put on its own is a transaction of its own. */
    int rc = intel_store_begin(st);
    if (rc != 0)
        return rc;
    int result = put_one(st, ind);
    if (result < 0) {
        intel_store_rollback(st);
        return result;
    }
    rc = intel_store_commit(st);
    return rc != 0 ? rc : result;
}

/* The expire condition: ?1 older_than_us, ?2 with_revoked. */
#define EXPIRE_WHERE "(valid_until_us IS NOT NULL AND valid_until_us < ?1) OR (?2 AND is_revoked)"

static int expire_run(struct intel_store *st, const char *sql, int64_t older_than_us,
                      bool with_revoked, uint64_t *changes)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return intel_store_fail(st, "expire");
    sqlite3_bind_int64(s, 1, older_than_us);
    sqlite3_bind_int(s, 2, with_revoked ? 1 : 0);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return intel_store_fail(st, "expire");
    *changes = (uint64_t)sqlite3_changes64(st->db);
    return 0;
}

int intel_store_expire(struct intel_store *st, int64_t older_than_us, bool with_revoked,
                       uint64_t *removed)
{
    *removed = 0;
    if (st->is_read_only)
        return -EROFS;
    bool is_own_txn = !st->in_txn;
    if (is_own_txn) {
        int rc = intel_store_begin(st);
        if (rc != 0)
            return rc;
    }
    /* Remember what is removed, so that importing the same feed again does
     * not bring it back; the trigger removes the related rows. */
    uint64_t n = 0;
    int rc = expire_run(st,
                        "INSERT OR REPLACE INTO forgotten (stix_id, modified_us) "
                        "SELECT stix_id, modified_us FROM indicator WHERE " EXPIRE_WHERE,
                        older_than_us, with_revoked, &n);
    if (rc == 0)
        rc = expire_run(st, "DELETE FROM indicator WHERE " EXPIRE_WHERE, older_than_us,
                        with_revoked, &n);
    if (rc == 0 && n > 0) {
        st->txn_changed = true;
        st->has_forgotten = true;
    }
    if (is_own_txn && rc == 0)
        rc = intel_store_commit(st);
    else if (is_own_txn)
        intel_store_rollback(st);
    if (rc == 0)
        *removed = n;
    return rc;
}
