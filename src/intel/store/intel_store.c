/* intel_store.c — opening and closing the indicator store, its transactions
 * and its version counter (SQLite in WAL mode, synchronous=NORMAL).
 *
 * WAL with synchronous=NORMAL keeps the file consistent after a crash of the
 * process or of the machine; a power cut may lose the last commits, never
 * corrupt the file. One handle is used by one thread at a time.
 */
#include "intel/store/intel_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intel/store/intel_store_internal.h"

/* How long a writer waits for another process's transaction. */
#define STORE_BUSY_TIMEOUT_MS 5000

/* Applied to every connection: cache 64 MiB, temporary tables in memory, and
 * a WAL file trimmed back to 64 MiB after a checkpoint. */
static const char store_pragmas[] = "PRAGMA synchronous=NORMAL;"
                                    "PRAGMA cache_size=-65536;"
                                    "PRAGMA temp_store=MEMORY;"
                                    "PRAGMA journal_size_limit=67108864;";

int64_t intel_store_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int intel_store_fail(struct intel_store *st, const char *what)
{
    snprintf(st->errmsg, sizeof(st->errmsg), "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
    return -EIO;
}

const char *intel_store_errmsg(const struct intel_store *st)
{
    return st ? st->errmsg : "no store";
}

/* Runs a statement that returns no rows. */
static int store_exec(struct intel_store *st, enum intel_store_stmt s, const char *what)
{
    sqlite3_stmt *stmt = st->stmt[s];
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return intel_store_fail(st, what);
    return 0;
}

static void store_open_error(struct intel_store *st, int rc, char *err, size_t cap)
{
    int sys = st->db ? sqlite3_system_errno(st->db) : 0;
    if ((rc & 0xff) == SQLITE_CANTOPEN && st->is_read_only && sys == ENOENT)
        snprintf(err, cap, "%s: no intel store there yet (import some intelligence first)",
                 st->path);
    else if ((rc & 0xff) == SQLITE_CANTOPEN && sys != 0)
        snprintf(err, cap, "%s: cannot open: %s", st->path, strerror(sys));
    else
        snprintf(err, cap, "%s: cannot open: %s", st->path,
                 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
}

static int store_prepare(struct intel_store *st, char *err, size_t cap)
{
    for (int i = 0; i < STORE_STMT_COUNT; i++) {
        int rc = sqlite3_prepare_v3(st->db, intel_store_schema_sql((enum intel_store_stmt)i), -1,
                                    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL);
        if (rc != SQLITE_OK) {
            snprintf(err, cap, "%s: preparing statement %d: %s", st->path, i,
                     sqlite3_errmsg(st->db));
            return -EIO;
        }
    }
    return 0;
}

static int store_configure(struct intel_store *st, char *err, size_t cap)
{
    char *msg = NULL;
    int rc = sqlite3_exec(st->db, store_pragmas, NULL, NULL, &msg);
    /* The file was created in WAL mode; make sure nobody switched it back. */
    if (rc == SQLITE_OK && !st->is_read_only)
        rc = sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, &msg);
    if (rc == SQLITE_OK && st->is_read_only)
        rc = sqlite3_exec(st->db, "PRAGMA query_only=1", NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, cap, "%s: %s", st->path, msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return -EIO;
    }
    return 0;
}

struct intel_store *intel_store_open(const char *path, bool read_only, char *err, size_t err_cap)
{
    char scratch[8];
    if (!err || err_cap == 0) {
        err = scratch;
        err_cap = sizeof(scratch);
    }
    err[0] = '\0';
    if (!path || !*path) {
        snprintf(err, err_cap, "no store path given");
        return NULL;
    }
    struct intel_store *st = calloc(1, sizeof(*st));
    if (!st || !(st->path = strdup(path))) {
        snprintf(err, err_cap, "%s: out of memory", path);
        free(st);
        return NULL;
    }
    st->is_read_only = read_only;
    int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        store_open_error(st, rc, err, err_cap);
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
    if (intel_store_schema_open(st, err, err_cap) != 0 ||
        intel_store_schema_load_key(st, err, err_cap) != 0)
        goto fail;
    if (store_configure(st, err, err_cap) != 0 || store_prepare(st, err, err_cap) != 0)
        goto fail;
    return st;
fail:
    intel_store_close(st);
    return NULL;
}

void intel_store_close(struct intel_store *st)
{
    if (!st)
        return;
    if (st->in_txn)
        intel_store_rollback(st);
    for (int i = 0; i < STORE_STMT_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

int intel_store_begin(struct intel_store *st)
{
    if (st->is_read_only)
        return -EROFS;
    if (st->in_txn)
        return -EALREADY;
    int rc = store_exec(st, STORE_STMT_BEGIN, "begin");
    if (rc != 0)
        return rc;
    st->in_txn = true;
    /* Under the write lock: no other process can add to it until commit. */
    sqlite3_stmt *s = st->stmt[STORE_STMT_HAS_FORGOTTEN];
    rc = sqlite3_step(s);
    st->has_forgotten = rc != SQLITE_ROW || sqlite3_column_int(s, 0) != 0;
    sqlite3_reset(s);
    st->txn_changed = false;
    st->txn_puts = 0;
    st->txn_now_us = intel_store_now_us();
    return 0;
}

/* The counters written with every commit: the version when something
 * changed, the last import time when anything was put. */
static int store_commit_meta(struct intel_store *st)
{
    if (st->txn_changed) {
        int rc = store_exec(st, STORE_STMT_VERSION_BUMP, "bumping the store version");
        if (rc != 0)
            return rc;
    }
    if (st->txn_puts == 0)
        return 0;
    sqlite3_stmt *s = st->stmt[STORE_STMT_META_SET];
    sqlite3_bind_text(s, 1, "last_import_us", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, st->txn_now_us);
    return store_exec(st, STORE_STMT_META_SET, "recording the import time");
}

int intel_store_commit(struct intel_store *st)
{
    if (!st->in_txn)
        return -EINVAL;
    int rc = store_commit_meta(st);
    if (rc == 0)
        rc = store_exec(st, STORE_STMT_COMMIT, "commit");
    if (rc != 0) {
        /* Keep the message of the failure, not of the rollback. */
        char keep[sizeof(st->errmsg)];
        memcpy(keep, st->errmsg, sizeof(keep));
        intel_store_rollback(st);
        memcpy(st->errmsg, keep, sizeof(keep));
        return rc;
    }
    st->in_txn = false;
    return 0;
}

int intel_store_rollback(struct intel_store *st)
{
    if (!st->in_txn)
        return -EINVAL;
    st->in_txn = false;
    /* SQLite may already have rolled back on its own (an I/O error, full disk). */
    if (sqlite3_get_autocommit(st->db))
        return 0;
    return store_exec(st, STORE_STMT_ROLLBACK, "rollback");
}

/* One integer from meta; *out untouched when the key is absent. */
static int store_meta_get(struct intel_store *st, const char *key, int64_t *out)
{
    sqlite3_stmt *s = st->stmt[STORE_STMT_META_GET];
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return intel_store_fail(st, "reading meta");
    return 0;
}

int intel_store_version(struct intel_store *st, uint64_t *out)
{
    int64_t v = 0;
    int rc = store_meta_get(st, "version", &v);
    *out = (uint64_t)v;
    return rc;
}

int intel_store_last_import(struct intel_store *st, int64_t *out_us)
{
    *out_us = INTEL_TIME_NONE;
    return store_meta_get(st, "last_import_us", out_us);
}

int intel_store_info(struct intel_store *st, const char *stix_id, struct intel_store_info *out)
{
    sqlite3_stmt *s = st->stmt[STORE_STMT_INFO];
    sqlite3_bind_text(s, 1, stix_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, intel_store_key_of(st, stix_id));
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->first_seen_us = sqlite3_column_int64(s, 0);
        out->updated_us = sqlite3_column_int64(s, 1);
        out->revision = (uint64_t)sqlite3_column_int64(s, 2);
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return -ENOENT;
    return rc == SQLITE_ROW ? 0 : intel_store_fail(st, "reading an indicator");
}

int intel_store_check(struct intel_store *st)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return intel_store_fail(st, "integrity check");
    rc = sqlite3_step(s);
    int out = 0;
    if (rc != SQLITE_ROW) {
        out = intel_store_fail(st, "integrity check");
    } else {
        const char *first = (const char *)sqlite3_column_text(s, 0);
        if (!first || strcmp(first, "ok") != 0) {
            snprintf(st->errmsg, sizeof(st->errmsg), "%s: integrity check: %s", st->path,
                     first ? first : "no answer");
            out = -EIO;
        }
    }
    sqlite3_finalize(s);
    return out;
}
