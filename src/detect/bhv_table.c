/* bhv_table.c — bounded open-addressing table with sampled-LRU eviction.
 *
 * Entries live densely in one array (so walking, sampling and saving touch
 * only live entries); a power-of-two slot array at most half full maps a
 * keyed hash to entry index + 1, with linear probing and backward-shift
 * deletion (no tombstones, so a long run never degrades). Each slot also
 * holds the top 32 bits of its entry's hash, so a probe past other keys
 * (and every look-up of an absent key) reads only the slot array: the
 * entries are megabytes of random accesses, one cache miss each. Removing
 * an entry moves the last one into its place.
 */
#include "detect/bhv_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/siphash.h"

/* How many entries an insertion into a full table looks at to pick the
 * least recently touched: 5 is Redis's default for the same approximation. */
#define EVICT_SAMPLES 5
#define SAVE_MAGIC "HRBHVT1"
#define SAVE_BOM 0x01020304u

struct entry_head {
    uint64_t hash;
    uint64_t touched_us;
};

struct bhv_table {
    struct bhv_table_config cfg;
    size_t key_off, value_off, entry_size; /* within an entry, 8-byte aligned */
    unsigned char *entries;                /* max_entries * entry_size */
    uint64_t *slots;                       /* hash's top 32 bits << 32 | entry index + 1; 0 empty */
    size_t slot_mask;
    size_t count;
    uint64_t evictions;
    uint64_t hash_key[2];
    uint64_t rng;
};

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static unsigned char *entry_at(const struct bhv_table *t, size_t i)
{
    return t->entries + i * t->entry_size;
}

static struct entry_head *head_at(const struct bhv_table *t, size_t i)
{
    return (struct entry_head *)(void *)entry_at(t, i);
}

static uint64_t key_hash(const struct bhv_table *t, const void *key)
{
    return siphash24(t->hash_key, key, t->cfg.key_size);
}

static size_t slot_entry(uint64_t v)
{
    return (size_t)(uint32_t)v - 1;
}

static uint64_t slot_value(uint64_t hash, size_t e)
{
    return (hash & 0xffffffff00000000ull) | (uint64_t)(e + 1);
}

struct bhv_table *bhv_table_new(const struct bhv_table_config *cfg)
{
    if (!cfg || cfg->key_size == 0 || cfg->max_entries == 0 || cfg->max_entries > UINT32_MAX / 4)
        return NULL;
    struct bhv_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cfg = *cfg;
    t->key_off = sizeof(struct entry_head);
    t->value_off = t->key_off + align8(cfg->key_size);
    t->entry_size = t->value_off + align8(cfg->value_size);
    size_t slots = 2;
    while (slots < cfg->max_entries * 2)
        slots <<= 1;
    t->slot_mask = slots - 1;
    t->entries = calloc(cfg->max_entries, t->entry_size);
    t->slots = calloc(slots, sizeof(*t->slots));
    if (!t->entries || !t->slots)
        goto fail;
    if (getrandom(t->hash_key, sizeof(t->hash_key), 0) != (ssize_t)sizeof(t->hash_key)) {
        /* No entropy this early is no reason to run without detectors:
         * the address of the table still differs between runs. */
        t->hash_key[0] = (uint64_t)(uintptr_t)t ^ 0x9e3779b97f4a7c15ull;
        t->hash_key[1] = (uint64_t)(uintptr_t)t->entries;
    }
    t->rng = t->hash_key[0] | 1;
    return t;
fail:
    bhv_table_free(t);
    return NULL;
}

void bhv_table_free(struct bhv_table *t)
{
    if (!t)
        return;
    free(t->entries);
    free(t->slots);
    free(t);
}

/* The slot holding key (found) or the empty slot where it would go. */
static size_t probe(const struct bhv_table *t, const void *key, uint64_t hash, bool *found)
{
    size_t s = (size_t)hash & t->slot_mask;
    uint64_t tag = hash & 0xffffffff00000000ull;
    for (;;) {
        uint64_t v = t->slots[s];
        if (v == 0) {
            *found = false;
            return s;
        }
        if ((v & 0xffffffff00000000ull) == tag) {
            size_t e = slot_entry(v);
            if (head_at(t, e)->hash == hash &&
                memcmp(entry_at(t, e) + t->key_off, key, t->cfg.key_size) == 0) {
                *found = true;
                return s;
            }
        }
        s = (s + 1) & t->slot_mask;
    }
}

void *bhv_table_find(const struct bhv_table *t, const void *key)
{
    bool found;
    size_t s = probe(t, key, key_hash(t, key), &found);
    return found ? entry_at(t, slot_entry(t->slots[s])) + t->value_off : NULL;
}

/* Empties slot s, shifting back the run after it so that every entry stays
 * reachable from its home slot (Knuth 6.4, algorithm R). */
static void slot_clear(struct bhv_table *t, size_t s)
{
    size_t hole = s;
    size_t i = s;
    for (;;) {
        i = (i + 1) & t->slot_mask;
        uint64_t v = t->slots[i];
        if (v == 0)
            break;
        size_t home = (size_t)head_at(t, slot_entry(v))->hash & t->slot_mask;
        /* Move v into the hole unless its home lies cyclically in (hole, i]. */
        bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!stays) {
            t->slots[hole] = v;
            hole = i;
        }
    }
    t->slots[hole] = 0;
}

/* The slot that points at entry index e. */
static size_t slot_of_entry(const struct bhv_table *t, size_t e)
{
    size_t s = (size_t)head_at(t, e)->hash & t->slot_mask;
    while (t->slots[s] == 0 || slot_entry(t->slots[s]) != e)
        s = (s + 1) & t->slot_mask;
    return s;
}

static void remove_at_slot(struct bhv_table *t, size_t s)
{
    size_t e = slot_entry(t->slots[s]);
    slot_clear(t, s);
    size_t last = t->count - 1;
    if (e != last) {
        t->slots[slot_of_entry(t, last)] = slot_value(head_at(t, last)->hash, e);
        memcpy(entry_at(t, e), entry_at(t, last), t->entry_size);
    }
    t->count--;
}

bool bhv_table_remove(struct bhv_table *t, const void *key)
{
    bool found;
    size_t s = probe(t, key, key_hash(t, key), &found);
    if (found)
        remove_at_slot(t, s);
    return found;
}

static uint64_t rng_next(struct bhv_table *t)
{
    /* xorshift64: eviction samples need spread, not secrecy. */
    uint64_t x = t->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    t->rng = x;
    return x;
}

static void evict_one(struct bhv_table *t)
{
    size_t victim = (size_t)(rng_next(t) % t->count);
    for (int i = 1; i < EVICT_SAMPLES; i++) {
        size_t e = (size_t)(rng_next(t) % t->count);
        if (head_at(t, e)->touched_us < head_at(t, victim)->touched_us)
            victim = e;
    }
    remove_at_slot(t, slot_of_entry(t, victim));
    t->evictions++;
}

void *bhv_table_get(struct bhv_table *t, const void *key, uint64_t now_us, bool *is_new)
{
    uint64_t hash = key_hash(t, key);
    bool found;
    size_t s = probe(t, key, hash, &found);
    if (found) {
        struct entry_head *h = head_at(t, slot_entry(t->slots[s]));
        h->touched_us = now_us;
        if (is_new)
            *is_new = false;
        return (unsigned char *)h + t->value_off;
    }
    if (t->count == t->cfg.max_entries) {
        evict_one(t);
        s = probe(t, key, hash, &found); /* the eviction may have moved the run */
    }
    size_t e = t->count++;
    unsigned char *p = entry_at(t, e);
    memset(p, 0, t->entry_size);
    struct entry_head *h = (struct entry_head *)(void *)p;
    h->hash = hash;
    h->touched_us = now_us;
    memcpy(p + t->key_off, key, t->cfg.key_size);
    t->slots[s] = slot_value(hash, e);
    if (is_new)
        *is_new = true;
    return p + t->value_off;
}

bool bhv_table_next(struct bhv_table *t, size_t *cursor, const void **key, void **value,
                    uint64_t *touched_us)
{
    /* Backwards, so removing the entry just returned (which moves the last,
     * already visited, entry into its place) skips nothing. *cursor: 0 before
     * the first call, SIZE_MAX after the last entry, else the index of the
     * entry returned last. */
    if (*cursor == SIZE_MAX)
        return false;
    size_t i = *cursor == 0 ? t->count : *cursor;
    if (i > t->count)
        i = t->count;
    if (i == 0) {
        *cursor = SIZE_MAX;
        return false;
    }
    i--;
    unsigned char *p = entry_at(t, i);
    if (key)
        *key = p + t->key_off;
    if (value)
        *value = p + t->value_off;
    if (touched_us)
        *touched_us = ((struct entry_head *)(void *)p)->touched_us;
    *cursor = i == 0 ? SIZE_MAX : i;
    return true;
}

size_t bhv_table_expire(struct bhv_table *t, uint64_t cutoff_us)
{
    size_t removed = 0;
    for (size_t i = t->count; i-- > 0;) {
        if (head_at(t, i)->touched_us < cutoff_us) {
            remove_at_slot(t, slot_of_entry(t, i));
            removed++;
        }
    }
    return removed;
}

void bhv_table_clear(struct bhv_table *t)
{
    /* A nearly empty table of many slots is cleared entry by entry: the
     * detectors clear scratch tables often. Zeroing slots one by one needs
     * no backward shift when every slot goes. */
    if (t->count * 8 < t->slot_mask + 1) {
        for (size_t i = 0; i < t->count; i++)
            t->slots[slot_of_entry(t, i)] = 0;
    } else {
        memset(t->slots, 0, (t->slot_mask + 1) * sizeof(*t->slots));
    }
    t->count = 0;
}

size_t bhv_table_count(const struct bhv_table *t)
{
    return t->count;
}

size_t bhv_table_capacity(const struct bhv_table *t)
{
    return t->cfg.max_entries;
}

uint64_t bhv_table_evictions(const struct bhv_table *t)
{
    return t->evictions;
}

size_t bhv_table_memory(const struct bhv_table *t)
{
    return sizeof(*t) + t->cfg.max_entries * t->entry_size + (t->slot_mask + 1) * sizeof(uint64_t);
}

/* FNV-1a over everything written, so a damaged file is noticed. */
struct sum_io {
    FILE *fp;
    uint64_t sum;
    bool is_ok;
};

static void sum_add(struct sum_io *io, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        io->sum = (io->sum ^ b[i]) * 0x100000001b3ull;
}

static void put(struct sum_io *io, const void *p, size_t n)
{
    if (io->is_ok && fwrite(p, 1, n, io->fp) != n)
        io->is_ok = false;
    sum_add(io, p, n);
}

static bool get(struct sum_io *io, void *p, size_t n)
{
    if (!io->is_ok || fread(p, 1, n, io->fp) != n)
        return io->is_ok = false;
    sum_add(io, p, n);
    return true;
}

struct save_header {
    char magic[8];
    uint32_t bom;
    uint32_t key_size, value_size;
    uint32_t name_len;
    uint64_t count;
};

int bhv_table_save(const struct bhv_table *t, FILE *fp)
{
    struct sum_io io = {fp, 0xcbf29ce484222325ull, true};
    struct save_header h = {
        .bom = SAVE_BOM,
        .key_size = (uint32_t)t->cfg.key_size,
        .value_size = (uint32_t)t->cfg.value_size,
        .name_len = t->cfg.name ? (uint32_t)strlen(t->cfg.name) : 0,
        .count = t->count,
    };
    memcpy(h.magic, SAVE_MAGIC, sizeof(h.magic));
    put(&io, &h, sizeof(h));
    put(&io, t->cfg.name ? t->cfg.name : "", h.name_len);
    for (size_t i = 0; i < t->count; i++) {
        const unsigned char *p = entry_at(t, i);
        put(&io, &((const struct entry_head *)(const void *)p)->touched_us, sizeof(uint64_t));
        put(&io, p + t->key_off, t->cfg.key_size);
        put(&io, p + t->value_off, t->cfg.value_size);
    }
    uint64_t sum = io.sum;
    put(&io, &sum, sizeof(sum));
    return io.is_ok ? 0 : -EIO;
}

static int load_fail(char *err, size_t err_size, int rc, const char *name, const char *what)
{
    if (err && err_size)
        snprintf(err, err_size, "%s: %s", name ? name : "table", what);
    return rc;
}

int bhv_table_load(struct bhv_table *t, FILE *fp, char *err, size_t err_size)
{
    struct sum_io io = {fp, 0xcbf29ce484222325ull, true};
    struct save_header h;
    const char *name = t->cfg.name ? t->cfg.name : "";
    char saved_name[64];
    if (!get(&io, &h, sizeof(h)) || memcmp(h.magic, SAVE_MAGIC, sizeof(h.magic)) != 0)
        return load_fail(err, err_size, -EINVAL, name, "not saved detector state");
    if (h.bom != SAVE_BOM)
        return load_fail(err, err_size, -EINVAL, name, "saved on a machine of other byte order");
    if (h.name_len != strlen(name) || h.name_len >= sizeof(saved_name) ||
        !get(&io, saved_name, h.name_len) || memcmp(saved_name, name, h.name_len) != 0)
        return load_fail(err, err_size, -EINVAL, name, "state of another table");
    if (h.key_size != t->cfg.key_size || h.value_size != t->cfg.value_size)
        return load_fail(err, err_size, -EINVAL, name,
                         "state of an older layout (dropped; baselines start afresh)");
    unsigned char *rec = malloc(t->cfg.key_size + t->cfg.value_size + 8);
    if (!rec)
        return load_fail(err, err_size, -ENOMEM, name, "out of memory");
    uint64_t loaded = 0;
    for (; loaded < h.count; loaded++) {
        uint64_t touched;
        if (!get(&io, &touched, sizeof(touched)) ||
            !get(&io, rec, t->cfg.key_size + t->cfg.value_size))
            break;
        void *v = bhv_table_get(t, rec, touched, NULL);
        memcpy(v, rec + t->cfg.key_size, t->cfg.value_size);
    }
    free(rec);
    if (loaded < h.count)
        return load_fail(err, err_size, -EIO, name, "file ends early (entries before kept)");
    uint64_t want = io.sum, sum;
    if (!get(&io, &sum, sizeof(sum)) || sum != want) {
        /* Damaged in the middle: a value may be garbage, so none is kept. */
        bhv_table_clear(t);
        return load_fail(err, err_size, -EIO, name, "checksum mismatch (state dropped)");
    }
    return 0;
}

int bhv_tables_save(struct bhv_table *const *tables, size_t n, FILE *fp)
{
    for (size_t i = 0; i < n; i++)
        if (bhv_table_save(tables[i], fp) != 0)
            return -EIO;
    return 0;
}

int bhv_tables_load(struct bhv_table *const *tables, size_t n, FILE *fp, char *err, size_t err_size)
{
    for (size_t i = 0; i < n; i++)
        bhv_table_clear(tables[i]);
    for (size_t i = 0; i < n; i++) {
        int rc = bhv_table_load(tables[i], fp, err, err_size);
        if (rc != 0) {
            for (size_t j = 0; j < n; j++)
                bhv_table_clear(tables[j]);
            return rc == -EINVAL ? -EINVAL : -EIO;
        }
    }
    return 0;
}
