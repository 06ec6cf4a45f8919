/* intel_import_queue.h — the hand-over between the two threads of
 * `hradba intel import`: the reader parses, validates and converts a file
 * (intel/import) and copies each indicator and each import error, in order,
 * into slabs; the writer takes full slabs, puts the indicators into the
 * store and prints the errors, so the store keeps a single writer and the
 * messages keep the order of the input. Reading and storing then overlap on
 * two cores.
 *
 * Bounded: at most INTEL_IMPORT_QUEUE_SLABS slabs of
 * INTEL_IMPORT_QUEUE_SLAB_BYTES and INTEL_IMPORT_QUEUE_SLAB_ITEMS records
 * exist (about 4.6 MiB, kept for reuse); a record too large for a slab (an
 * object of up to 16 MiB) waits until every other slab is back, then gets a
 * slab of its own, freed after it. Not a general-purpose queue: one reader,
 * one writer, one file at a time.
 */
#ifndef HRADBA_CLI_INTEL_IMPORT_QUEUE_H
#define HRADBA_CLI_INTEL_IMPORT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "intel/import/intel_import.h"

#define INTEL_IMPORT_QUEUE_SLABS 4u
#define INTEL_IMPORT_QUEUE_SLAB_BYTES (1024u * 1024u)
/* Records per slab at most (their fixed part). */
#define INTEL_IMPORT_QUEUE_SLAB_ITEMS 1024u

enum intel_import_item_kind {
    INTEL_IMPORT_ITEM_INDICATOR,
    INTEL_IMPORT_ITEM_ERROR,
};

/* One record as the reader handed it over; every string lives in the slab. */
struct intel_import_item {
    enum intel_import_item_kind kind;
    union {
        struct intel_indicator ind;
        struct intel_import_error err;
    } u;
};

struct intel_import_slab {
    struct intel_import_slab *next;
    struct intel_import_item *items;
    size_t count; /* items filled */
    char *bytes;  /* strings and related entries */
    size_t bytes_used, bytes_cap;
};

struct intel_import_queue;

/* NULL when out of memory. */
struct intel_import_queue *intel_import_queue_new(void);
void intel_import_queue_free(struct intel_import_queue *q);

/* Makes the queue ready for one more file (after the previous one was
 * closed and taken to its end). */
void intel_import_queue_open(struct intel_import_queue *q);

/* Reader side. Copies the record; blocks while the queue is full. 0, or
 * -ECANCELED once the writer has cancelled, -ENOMEM. */
int intel_import_queue_put_indicator(struct intel_import_queue *q,
                                     const struct intel_indicator *ind);
int intel_import_queue_put_error(struct intel_import_queue *q, const struct intel_import_error *e);
/* The end of the file: hands over the last slab. */
void intel_import_queue_close(struct intel_import_queue *q);

/* Writer side. The next slab in order (blocks until one is full or the file
 * ended), or NULL after the last one. Give every slab back. */
struct intel_import_slab *intel_import_queue_take(struct intel_import_queue *q);
void intel_import_queue_give_back(struct intel_import_queue *q, struct intel_import_slab *s);
/* The writer stops taking records: the reader's next put fails with
 * -ECANCELED; slabs still queued are dropped by take. */
void intel_import_queue_cancel(struct intel_import_queue *q);

#endif
