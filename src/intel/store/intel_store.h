/* intel_store.h — the embedded indicator store (SQLite, WAL).
 *
 * Keeps every imported indicator, at its current (newest) version, with its
 * provenance, so intelligence survives restarts and the runtime intel set can
 * be rebuilt from it. Putting the same (stix_id, modified) again changes
 * nothing; a newer modified replaces the older version; an older one is
 * ignored. Revoked and expired indicators are kept (for `show` and for the
 * store's history) until intel_store_expire removes them, but are not
 * returned by intel_store_each_active. SQLite is used only here; schema and
 * rules in docs/intel.md, "Store".
 *
 * A handle is used by one thread at a time. Several processes may open the
 * same file: readers never wait, a writer waits up to 5 s for another.
 * Callbacks receive records valid for that call only.
 */
#ifndef HRADBA_INTEL_STORE_H
#define HRADBA_INTEL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intel/indicator.h"

struct intel_store;

/* Opens (creating if needed, with its schema) the store at path, in WAL mode.
 * read_only opens an existing store without writing. NULL with a message in
 * err (err_cap bytes) on failure: a file that is not a store, a schema from a
 * newer version, a locked or unwritable file. */
struct intel_store *intel_store_open(const char *path, bool read_only, char *err, size_t err_cap);
void intel_store_close(struct intel_store *st);

/* A batch of puts is one transaction: begin, put..., commit. A crash before
 * commit leaves the store as it was. begin: -EALREADY inside a transaction,
 * -EROFS on a read-only store; commit and rollback: -EINVAL outside one.
 * A commit that changed something bumps intel_store_version. When commit
 * fails the batch is rolled back. */
int intel_store_begin(struct intel_store *st);
int intel_store_commit(struct intel_store *st);
int intel_store_rollback(struct intel_store *st);

enum intel_store_put_result {
    INTEL_STORE_INSERTED = 0,  /* a new indicator */
    INTEL_STORE_UPDATED = 1,   /* a newer version replaced the stored one */
    INTEL_STORE_UNCHANGED = 2, /* the same version was already stored */
    INTEL_STORE_OLDER = 3,     /* an older version than stored: ignored */
};

/* Stores ind (copied). Returns an intel_store_put_result (>= 0) or -errno
 * (-EIO with intel_store_errmsg set on a SQLite error; -EINVAL when stix_id,
 * pattern or pattern_type is NULL or tlp is out of range). Outside a
 * transaction the put is a transaction of its own. After -EIO inside a
 * transaction, roll it back. An indicator removed by intel_store_expire is
 * remembered: putting that version or an older one again gives UNCHANGED or
 * OLDER, a newer one is INSERTED. */
int intel_store_put(struct intel_store *st, const struct intel_indicator *ind);
const char *intel_store_errmsg(const struct intel_store *st);

/* Calls cb for every indicator that matches at now_us: not revoked,
 * valid_from <= now_us (or valid_from absent), valid_until absent or
 * > now_us, pattern_type "stix". The record is valid for the callback.
 * Stops and returns cb's value when it is non-zero. */
int intel_store_each_active(struct intel_store *st, int64_t now_us,
                            int (*cb)(void *ctx, const struct intel_indicator *ind), void *ctx);

/* The current version of one indicator by STIX id: cb called once (its
 * value returned), or -ENOENT. each_active and get return -EBUSY when called
 * from inside their own callback. */
int intel_store_get(struct intel_store *st, const char *stix_id,
                    int (*cb)(void *ctx, const struct intel_indicator *ind), void *ctx);

struct intel_store_filter {
    const char *source;   /* exact source, or NULL */
    const char *contains; /* substring of the pattern, or NULL */
    bool active_only;     /* only those intel_store_each_active would return */
    int64_t now_us;
    size_t limit; /* 0 = no limit */
};
/* Indicators in the order they were first stored, filtered by f. */
int intel_store_list(struct intel_store *st, const struct intel_store_filter *f,
                     int (*cb)(void *ctx, const struct intel_indicator *ind), void *ctx);

struct intel_store_stats {
    uint64_t indicators;    /* current versions stored */
    uint64_t active;        /* of those, matching now */
    uint64_t revoked;       /* revoked, expired, not_yet_valid and not_stix overlap */
    uint64_t expired;       /* valid_until passed */
    uint64_t not_yet_valid; /* valid_from in the future */
    uint64_t not_stix;      /* pattern_type other than stix */
    uint64_t by_tlp[5];     /* current versions per enum intel_tlp */
    uint64_t sources;       /* distinct sources */
    int64_t last_import_us; /* INTEL_TIME_NONE when never */
    uint64_t file_bytes;    /* database + WAL size */
};
int intel_store_stats(struct intel_store *st, int64_t now_us, struct intel_store_stats *out);

/* Deletes indicators whose valid_until is before older_than_us (expired
 * ones kept for history until then), and revoked ones when with_revoked.
 * *removed gets the count. */
int intel_store_expire(struct intel_store *st, int64_t older_than_us, bool with_revoked,
                       uint64_t *removed);

/* A monotonically increasing version, bumped by every commit that changed
 * something: the runtime rebuilds its intel set when it moves. */
int intel_store_version(struct intel_store *st, uint64_t *out);

/* When the last transaction with puts committed (INTEL_TIME_NONE: never). */
int intel_store_last_import(struct intel_store *st, int64_t *out_us);

/* The store's own bookkeeping of one indicator. */
struct intel_store_info {
    int64_t first_seen_us; /* when this id was first stored */
    int64_t updated_us;    /* when its current version was stored */
    uint64_t revision;     /* versions stored so far: 1 for a new indicator */
};
/* 0, -ENOENT when stix_id is not stored, or -EIO. */
int intel_store_info(struct intel_store *st, const char *stix_id, struct intel_store_info *out);

/* SQLite's full integrity check: 0 when the file is sound, else -EIO with
 * the first problem in intel_store_errmsg. Reads the whole file. */
int intel_store_check(struct intel_store *st);

#endif
