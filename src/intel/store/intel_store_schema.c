/* intel_store_schema.c — the store's tables, the checks made before a file
 * is used, and the SQL of every prepared statement.
 *
 * Schema 1 (docs/intel.md, "Store"): one row per indicator holding its
 * current version, the related objects in a child table, the (id, modified)
 * of indicators removed by expire in `forgotten`, and counters in `meta`.
 * A file is only written once it is known to be ours or empty.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#include "intel/store/intel_store_internal.h"

/* The page size of a new store (bytes, as SQL text). */
#define STORE_PAGE_SIZE "16384"

static const char schema_sql[] =
    "CREATE TABLE meta (\n"
    "  key TEXT PRIMARY KEY,\n"
    "  value INTEGER NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO meta (key, value) VALUES ('version', 0);\n"
    "CREATE TABLE indicator (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  id_key INTEGER NOT NULL UNIQUE,\n"
    "  stix_id TEXT NOT NULL,\n"
    "  source TEXT NOT NULL,\n"
    "  name TEXT,\n"
    "  description TEXT,\n"
    "  pattern TEXT NOT NULL,\n"
    "  pattern_type TEXT NOT NULL,\n"
    "  created_us INTEGER,\n"
    "  modified_us INTEGER NOT NULL,\n"
    "  valid_from_us INTEGER,\n"
    "  valid_until_us INTEGER,\n"
    "  is_revoked INTEGER NOT NULL,\n"
    "  confidence INTEGER,\n"
    "  indicator_types TEXT,\n"
    "  kill_chain_phases TEXT,\n"
    "  tlp INTEGER NOT NULL,\n"
    "  tlp_origin INTEGER NOT NULL,\n"
    "  related_count INTEGER NOT NULL,\n"
    "  object_json TEXT,\n"
    "  first_seen_us INTEGER NOT NULL,\n"
    "  updated_us INTEGER NOT NULL,\n"
    "  revision INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE related (\n"
    "  indicator_id INTEGER NOT NULL,\n"
    "  seq INTEGER NOT NULL,\n"
    "  type TEXT,\n"
    "  stix_id TEXT,\n"
    "  name TEXT,\n"
    "  external_id TEXT,\n"
    "  aliases TEXT,\n"
    "  relationship TEXT,\n"
    "  PRIMARY KEY (indicator_id, seq)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE forgotten (\n"
    "  stix_id TEXT PRIMARY KEY,\n"
    "  modified_us INTEGER NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE TRIGGER indicator_delete_related AFTER DELETE ON indicator BEGIN\n"
    "  DELETE FROM related WHERE indicator_id = old.id;\n"
    "END;\n";

/* ?1 stix_id ... ?18 object_json, ?19 the batch time, ?20 the row key. The
 * DO UPDATE's WHERE lets only a newer modified of the same id replace the
 * stored row (a different id with the same 64-bit key is left alone and
 * reported by the caller). sqlite3_changes says
 * whether a row was written, sqlite3_last_insert_rowid whether it was a new
 * one (an UPSERT's update leaves it alone). One VALUES row and no RETURNING:
 * either of INSERT ... SELECT or RETURNING costs a statement journal or a
 * temporary table on every put, about half the put's time. */
static const char put_sql[] =
    "INSERT INTO indicator (id_key, stix_id, source, name, description, pattern, pattern_type, "
    "created_us, modified_us, valid_from_us, valid_until_us, is_revoked, confidence, "
    "indicator_types, kill_chain_phases, tlp, tlp_origin, related_count, object_json, "
    "first_seen_us, updated_us, revision) "
    "VALUES (?20, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
    "?19, ?19, 1) "
    "ON CONFLICT (id_key) DO UPDATE SET source = excluded.source, name = excluded.name, "
    "description = excluded.description, pattern = excluded.pattern, "
    "pattern_type = excluded.pattern_type, created_us = excluded.created_us, "
    "modified_us = excluded.modified_us, valid_from_us = excluded.valid_from_us, "
    "valid_until_us = excluded.valid_until_us, is_revoked = excluded.is_revoked, "
    "confidence = excluded.confidence, indicator_types = excluded.indicator_types, "
    "kill_chain_phases = excluded.kill_chain_phases, tlp = excluded.tlp, "
    "tlp_origin = excluded.tlp_origin, related_count = excluded.related_count, "
    "object_json = excluded.object_json, updated_us = excluded.updated_us, "
    "revision = indicator.revision + 1 "
    "WHERE excluded.modified_us > indicator.modified_us AND excluded.stix_id = indicator.stix_id";

const char *intel_store_schema_sql(enum intel_store_stmt s)
{
    switch (s) {
    case STORE_STMT_BEGIN:
        return "BEGIN IMMEDIATE";
    case STORE_STMT_COMMIT:
        return "COMMIT";
    case STORE_STMT_ROLLBACK:
        return "ROLLBACK";
    case STORE_STMT_PUT:
        return put_sql;
    case STORE_STMT_PUT_SEEN:
        return "SELECT modified_us FROM indicator WHERE id_key = ?2 AND stix_id = ?1";
    case STORE_STMT_FORGOTTEN:
        return "SELECT modified_us FROM forgotten WHERE stix_id = ?1";
    case STORE_STMT_HAS_FORGOTTEN:
        return "SELECT EXISTS (SELECT 1 FROM forgotten)";
    case STORE_STMT_REL_DELETE:
        return "DELETE FROM related WHERE indicator_id = ?1";
    case STORE_STMT_REL_INSERT:
        return "INSERT INTO related (indicator_id, seq, type, stix_id, name, external_id, "
               "aliases, relationship) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    case STORE_STMT_REL_SELECT:
        return "SELECT type, stix_id, name, external_id, aliases, relationship FROM related "
               "WHERE indicator_id = ?1 ORDER BY seq";
    case STORE_STMT_GET:
        return "SELECT " INTEL_STORE_COLUMNS " FROM indicator WHERE id_key = ?2 AND stix_id = ?1";
    case STORE_STMT_ACTIVE:
        return "SELECT " INTEL_STORE_COLUMNS
               " FROM indicator WHERE " INTEL_STORE_ACTIVE_WHERE("1") " ORDER BY id";
    case STORE_STMT_ID:
        return "SELECT id FROM indicator WHERE id_key = ?2 AND stix_id = ?1";
    case STORE_STMT_INFO:
        return "SELECT first_seen_us, updated_us, revision FROM indicator "
               "WHERE id_key = ?2 AND stix_id = ?1";
    case STORE_STMT_META_GET:
        return "SELECT value FROM meta WHERE key = ?1";
    case STORE_STMT_META_SET:
        return "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)";
    case STORE_STMT_VERSION_BUMP:
        return "UPDATE meta SET value = value + 1 WHERE key = 'version'";
    case STORE_STMT_COUNT:
        break;
    }
    return NULL;
}

/* One integer from a PRAGMA or a query; SQLite's code on failure. */
static int schema_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(s, 0);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            *out = 0;
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(s);
    return rc;
}

static int schema_error(struct intel_store *st, int rc, char *err, size_t cap)
{
    int code = rc & 0xff;
    if (code == SQLITE_NOTADB)
        snprintf(err, cap, "%s: not an SQLite database, so not an intel store (%s)", st->path,
                 sqlite3_errmsg(st->db));
    else if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        snprintf(err, cap, "%s: locked by another process for longer than the wait (%s)", st->path,
                 sqlite3_errmsg(st->db));
    else if (code == SQLITE_CORRUPT)
        snprintf(err, cap,
                 "%s: the database is corrupt (%s); restore it or move it away and "
                 "import again",
                 st->path, sqlite3_errmsg(st->db));
    else
        snprintf(err, cap, "%s: %s", st->path, sqlite3_errmsg(st->db));
    return code == SQLITE_BUSY || code == SQLITE_LOCKED ? -EBUSY : -EIO;
}

static int schema_create(struct intel_store *st, char *err, size_t cap)
{
    char *msg = NULL;
    /* The page size and WAL are properties of the file: set once, before the
     * first table. 16 KiB pages: a million-indicator import costs about 30%
     * less CPU than with 4 KiB ones (a quarter of the WAL frames, so of the
     * write calls, and rows of ~600 bytes waste less of a page), and the
     * file is 7% smaller; the row-key index is rewritten whole by a batch of
     * random keys whatever the page size. Stores made with another page size
     * keep it. */
    int rc = sqlite3_exec(st->db, "PRAGMA page_size=" STORE_PAGE_SIZE "; PRAGMA journal_mode=WAL",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return schema_error(st, rc, err, cap);
    rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return schema_error(st, rc, err, cap);
    /* Another process may have created it while we waited for the lock. */
    int64_t version = 0;
    rc = schema_int(st->db, "PRAGMA user_version", &version);
    if (rc == SQLITE_OK && version == 0) {
        uint64_t key[2];
        if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
            sqlite3_randomness(sizeof(key), key);
        char pragmas[256];
        snprintf(pragmas, sizeof(pragmas),
                 "INSERT INTO meta (key, value) VALUES ('id_key0', %lld), ('id_key1', %lld);"
                 "PRAGMA application_id=%d; PRAGMA user_version=%d;",
                 (long long)key[0], (long long)key[1], INTEL_STORE_APPLICATION_ID,
                 INTEL_STORE_SCHEMA_VERSION);
        rc = sqlite3_exec(st->db, schema_sql, NULL, NULL, &msg);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(st->db, pragmas, NULL, NULL, &msg);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, cap, "%s: creating the store: %s", st->path,
                 msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return -EIO;
    }
    return 0;
}

int intel_store_schema_open(struct intel_store *st, char *err, size_t cap)
{
    int64_t app_id = 0, version = 0, objects = 0;
    /* Reads only: a file that is not a database fails here, unmodified. */
    int rc = schema_int(st->db, "SELECT count(*) FROM sqlite_master", &objects);
    if (rc == SQLITE_OK)
        rc = schema_int(st->db, "PRAGMA application_id", &app_id);
    if (rc == SQLITE_OK)
        rc = schema_int(st->db, "PRAGMA user_version", &version);
    if (rc != SQLITE_OK)
        return schema_error(st, rc, err, cap);

    if (objects == 0 && version == 0 && app_id == 0) {
        if (st->is_read_only) {
            snprintf(err, cap, "%s: an empty database, not an intel store yet (import first)",
                     st->path);
            return -ENOENT;
        }
        rc = schema_create(st, err, cap);
        if (rc != 0)
            return rc;
        rc = schema_int(st->db, "PRAGMA user_version", &version);
        if (rc != SQLITE_OK)
            return schema_error(st, rc, err, cap);
        app_id = INTEL_STORE_APPLICATION_ID;
    }
    if (app_id != INTEL_STORE_APPLICATION_ID) {
        snprintf(err, cap,
                 "%s: an SQLite database, but not an hradba intel store; "
                 "point --data-dir elsewhere or move the file away",
                 st->path);
        return -EINVAL;
    }
    if (version > INTEL_STORE_SCHEMA_VERSION) {
        snprintf(err, cap,
                 "%s: written by a newer hradba (store schema %lld, this build knows up to %d); "
                 "upgrade hradba to use it",
                 st->path, (long long)version, INTEL_STORE_SCHEMA_VERSION);
        return -EPROTONOSUPPORT;
    }
    if (version < 1) {
        snprintf(err, cap, "%s: an intel store with an unknown schema %lld", st->path,
                 (long long)version);
        return -EINVAL;
    }
    return 0;
}

int intel_store_schema_load_key(struct intel_store *st, char *err, size_t cap)
{
    int64_t k0 = 0, k1 = 0;
    int rc = schema_int(st->db, "SELECT value FROM meta WHERE key = 'id_key0'", &k0);
    if (rc == SQLITE_OK)
        rc = schema_int(st->db, "SELECT value FROM meta WHERE key = 'id_key1'", &k1);
    if (rc != SQLITE_OK)
        return schema_error(st, rc, err, cap);
    st->id_key[0] = (uint64_t)k0;
    st->id_key[1] = (uint64_t)k1;
    return 0;
}
