/* bhv_table.h — a bounded hash table of fixed-size records for detector state.
 *
 * Every detector keeps its per-host and per-pair state in one of these: keys
 * and values are plain bytes of a size fixed at creation (no pointers), so
 * the table can be saved to a file and read back after a restart as it is.
 * The table never grows past max_entries: when full, inserting evicts the
 * least recently touched of a few entries sampled at random (the way Redis
 * approximates LRU), and counts it. Slots are found with a keyed hash
 * (SipHash-2-4 under a random key per table), so nobody who chooses
 * addresses or names can choose collisions.
 *
 * Single-threaded: one table belongs to one worker's detector.
 */
#ifndef HRADBA_DETECT_BHV_TABLE_H
#define HRADBA_DETECT_BHV_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct bhv_table_config {
    const char *name; /* for messages and counters, e.g. "beacon.pairs" (static) */
    size_t key_size;  /* bytes, > 0 */
    size_t value_size;
    size_t max_entries; /* > 0 */
};

struct bhv_table;

/* NULL when the sizes are zero or memory is short. Memory is allocated up
 * front: bhv_table_memory() says how much. */
struct bhv_table *bhv_table_new(const struct bhv_table_config *cfg);
void bhv_table_free(struct bhv_table *t);

/* The value stored under key, or NULL. Does not change recency. */
void *bhv_table_find(const struct bhv_table *t, const void *key);

/* The value under key, marked as touched at now_us; inserted zero-filled
 * when absent (*is_new set), evicting one entry first when the table is
 * full. The pointer is valid until the next insertion or removal. Never
 * NULL. */
void *bhv_table_get(struct bhv_table *t, const void *key, uint64_t now_us, bool *is_new);

/* Removes key if present; returns whether it was. */
bool bhv_table_remove(struct bhv_table *t, const void *key);

/* Walks the entries: start with *cursor = 0; each call gives the next entry
 * and returns true, false at the end. Removing the entry just returned is
 * allowed (the walk continues correctly); inserting during a walk is not. */
bool bhv_table_next(struct bhv_table *t, size_t *cursor, const void **key, void **value,
                    uint64_t *touched_us);

/* Removes every entry last touched before cutoff_us (ageing out state that
 * no longer matters); returns how many. */
size_t bhv_table_expire(struct bhv_table *t, uint64_t cutoff_us);

/* Removes every entry (the eviction counter stays). */
void bhv_table_clear(struct bhv_table *t);

size_t bhv_table_count(const struct bhv_table *t);
size_t bhv_table_capacity(const struct bhv_table *t);
uint64_t bhv_table_evictions(const struct bhv_table *t);
size_t bhv_table_memory(const struct bhv_table *t); /* bytes allocated */

/* Saving and restoring. The format is the config's name, sizes and the
 * entries with their touch times; loading into a table of other sizes is
 * refused (state of an older layout is dropped, not misread), and a file
 * that ends early loads the entries before the damage. Return 0, or
 * -EINVAL (not this table's state), -EIO (read/write failed, or damaged:
 * err says which) with a message in err. */
int bhv_table_save(const struct bhv_table *t, FILE *fp);
int bhv_table_load(struct bhv_table *t, FILE *fp, char *err, size_t err_size);

/* A detector's tables, in order, as one part of its state. Loading empties
 * them first and, when any of them fails, empties them all again: one table
 * restored without the others it was kept with would be judged against
 * nothing (servers without their hosts make old pairs look new). Returns 0,
 * or -EINVAL / -EIO as bhv_table_load with its message. */
int bhv_tables_save(struct bhv_table *const *tables, size_t n, FILE *fp);
int bhv_tables_load(struct bhv_table *const *tables, size_t n, FILE *fp, char *err,
                    size_t err_size);

#endif
