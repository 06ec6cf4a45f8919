/* intel_store_internal.h — what the store's own files share: the handle, its
 * prepared statements and the schema's column order. Not for use outside
 * src/intel/store/; everyone else goes through intel_store.h.
 */
#ifndef HRADBA_INTEL_STORE_INTERNAL_H
#define HRADBA_INTEL_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intel/store/intel_store.h"

/* PRAGMA user_version of the schema this build writes; PRAGMA application_id
 * ("HRDB") tells our files from other SQLite databases. */
#define INTEL_STORE_SCHEMA_VERSION 1
#define INTEL_STORE_APPLICATION_ID 0x48524442

/* Statements prepared once at open and reused (the put path must not parse
 * SQL per indicator). */
enum intel_store_stmt {
    STORE_STMT_BEGIN,
    STORE_STMT_COMMIT,
    STORE_STMT_ROLLBACK,
    STORE_STMT_PUT,       /* the UPSERT */
    STORE_STMT_ID,        /* rowid of one stix_id */
    STORE_STMT_PUT_SEEN,  /* modified_us stored for an id */
    STORE_STMT_FORGOTTEN, /* modified_us of an id removed by expire */
    STORE_STMT_HAS_FORGOTTEN,
    STORE_STMT_REL_DELETE, /* related rows of one indicator */
    STORE_STMT_REL_INSERT,
    STORE_STMT_REL_SELECT,
    STORE_STMT_GET,    /* one indicator by stix_id */
    STORE_STMT_ACTIVE, /* every active indicator */
    STORE_STMT_INFO,   /* first_seen_us, updated_us, revision of one id */
    STORE_STMT_META_GET,
    STORE_STMT_META_SET,
    STORE_STMT_VERSION_BUMP,
    STORE_STMT_COUNT
};

struct intel_store {
    sqlite3 *db;
    char *path;
    bool is_read_only;
    bool in_txn;
    bool txn_changed;   /* an insert, update or delete happened in this transaction */
    bool has_forgotten; /* the forgotten table has rows: puts look there first */
    uint64_t txn_puts;  /* puts in this transaction, changed or not */
    int64_t txn_now_us; /* wall clock at begin: first_seen_us / updated_us of the batch */
    uint64_t id_key[2]; /* the store's SipHash key for row keys (meta id_key0, id_key1) */
    sqlite3_stmt *stmt[STORE_STMT_COUNT];
    char errmsg[512];
};

/* The columns every query returns, in this order (intel_store_query.c reads
 * them by position). */
#define INTEL_STORE_COLUMNS                                                                        \
    "id, stix_id, source, name, description, pattern, pattern_type, created_us, modified_us, "     \
    "valid_from_us, valid_until_us, is_revoked, confidence, indicator_types, kill_chain_phases, "  \
    "tlp, tlp_origin, related_count, object_json"

/* The SQL condition "matches at ?N" (N is the parameter holding now_us). */
#define INTEL_STORE_ACTIVE_WHERE(n)                                                                \
    "is_revoked = 0 AND pattern_type = 'stix' AND (valid_from_us IS NULL OR valid_from_us <= ?" n  \
    ") AND (valid_until_us IS NULL OR valid_until_us > ?" n ")"

/* Sets st->errmsg to "what: <sqlite message>" and returns -EIO. */
int intel_store_fail(struct intel_store *st, const char *what);
/* Wall-clock microseconds since the epoch. */
int64_t intel_store_now_us(void);

/* intel_store_key.c: the row key of a STIX id in st (SipHash-2-4 under the
 * store's key). */
int64_t intel_store_key_of(const struct intel_store *st, const char *stix_id);

/* intel_store_schema.c: checks an opened database is a store this build can
 * use, creating the schema in an empty one (unless read_only). 0, or -errno
 * with a message for the user in err. Touches nothing in a file that is not
 * a store. */
int intel_store_schema_open(struct intel_store *st, char *err, size_t err_cap);
/* Loads st->id_key from meta. 0 or -EIO with a message in err. */
int intel_store_schema_load_key(struct intel_store *st, char *err, size_t err_cap);
/* The SQL text of each prepared statement. */
const char *intel_store_schema_sql(enum intel_store_stmt s);

/* intel_store_query.c: steps stmt and calls cb with each row as an
 * indicator (related entries loaded); returns cb's first non-zero value, 0,
 * or -EIO. Resets stmt either way. */
int intel_store_query_rows(struct intel_store *st, sqlite3_stmt *stmt,
                           int (*cb)(void *ctx, const struct intel_indicator *ind), void *ctx);

#endif
