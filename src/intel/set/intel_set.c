/* intel_set.c — build one intel version: entries, matcher, evaluated patterns.
 *
 * Indicators are classified as they arrive, so a build streams: a simple
 * pattern's values go straight into the matcher builder under the entry's
 * index, and only patterns that must be evaluated keep their parse tree. A
 * newer version of an id already offered gets a new index; the older entry
 * becomes dead (hits on it are ignored), which keeps the stream one-pass.
 */
#include "intel/set/intel_set.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intel/pattern/stix_pattern.h"

static const char *const intel_set_counter_names[] = {INTEL_SET_COUNTERS(COUNTER_NAME)};

#define ARENA_CHUNK (64u * 1024u)

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    char data[];
};

/* An id → entry index map, so a later version of an indicator replaces it. */
struct id_slot {
    uint64_t hash;
    uint32_t index; /* entry index + 1; 0 = empty */
};

struct intel_set {
    struct intel_entry *entries;
    int64_t *modified_us; /* per entry, to keep the newer of two versions */
    bool *is_dead;        /* per entry: replaced by a newer version */
    size_t count, capacity;
    const struct intel_entry **evaluated; /* made by intel_set_build */
    size_t evaluated_count;
    struct arena_chunk *arena;
    struct intel_match *matcher;
    uint64_t counters[INTEL_SET_COUNTER_COUNT];
};

struct intel_set_builder {
    struct intel_set *set;
    struct intel_match_builder *mb;
    struct id_slot *ids;
    size_t ids_cap; /* power of two */
    int64_t now_us;
};

static void *arena_alloc(struct intel_set *s, size_t len)
{
    len = (len + 7u) & ~(size_t)7u;
    struct arena_chunk *c = s->arena;
    if (!c || c->cap - c->used < len) {
        size_t cap = len > ARENA_CHUNK ? len : ARENA_CHUNK;
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->next = s->arena;
        c->used = 0;
        c->cap = cap;
        s->arena = c;
    }
    void *p = c->data + c->used;
    c->used += len;
    return p;
}

/* Copies s into the arena; NULL in → NULL out. *ok is cleared on failure. */
static const char *arena_strdup(struct intel_set *s, const char *str, bool *ok)
{
    if (!str)
        return NULL;
    size_t len = strlen(str);
    char *p = arena_alloc(s, len + 1);
    if (!p) {
        *ok = false;
        return NULL;
    }
    memcpy(p, str, len + 1);
    return p;
}

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
    return h;
}

/* Stable across runs and hosts: FNV-1a of the STIX id, in 31 bits so that
 * tools reading signature_id as a signed 32-bit integer keep it. */
static uint32_t intel_set_signature_id(const char *stix_id)
{
    uint32_t h = 0x811c9dc5u;
    for (const char *p = stix_id; *p; p++)
        h = (h ^ (uint8_t)*p) * 0x01000193u;
    h &= 0x7fffffffu;
    return h ? h : 1;
}

struct intel_set_builder *intel_set_builder_new(int64_t now_us)
{
    struct intel_set_builder *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->now_us = now_us;
    b->set = calloc(1, sizeof(*b->set));
    b->mb = intel_match_builder_new();
    b->ids_cap = 1024;
    b->ids = calloc(b->ids_cap, sizeof(*b->ids));
    if (!b->set || !b->mb || !b->ids) {
        intel_set_builder_free(b);
        return NULL;
    }
    return b;
}

void intel_set_builder_free(struct intel_set_builder *b)
{
    if (!b)
        return;
    intel_set_free(b->set);
    intel_match_builder_free(b->mb);
    free(b->ids);
    free(b);
}

static int ids_grow(struct intel_set_builder *b)
{
    size_t cap = b->ids_cap * 2;
    struct id_slot *ids = calloc(cap, sizeof(*ids));
    if (!ids)
        return -ENOMEM;
    for (size_t i = 0; i < b->ids_cap; i++) {
        if (!b->ids[i].index)
            continue;
        size_t j = b->ids[i].hash & (cap - 1);
        while (ids[j].index)
            j = (j + 1) & (cap - 1);
        ids[j] = b->ids[i];
    }
    free(b->ids);
    b->ids = ids;
    b->ids_cap = cap;
    return 0;
}

/* The slot for stix_id: its entry (index != 0) or the empty slot to fill. */
static struct id_slot *ids_find(struct intel_set_builder *b, const char *stix_id, uint64_t h)
{
    size_t j = h & (b->ids_cap - 1);
    for (;;) {
        struct id_slot *slot = &b->ids[j];
        if (!slot->index)
            return slot;
        if (slot->hash == h && strcmp(b->set->entries[slot->index - 1].stix_id, stix_id) == 0)
            return slot;
        j = (j + 1) & (b->ids_cap - 1);
    }
}

static int set_reserve(struct intel_set *s)
{
    if (s->count < s->capacity)
        return 0;
    size_t cap = s->capacity ? s->capacity * 2 : 256;
    struct intel_entry *e = realloc(s->entries, cap * sizeof(*e));
    if (!e)
        return -ENOMEM;
    s->entries = e;
    int64_t *m = realloc(s->modified_us, cap * sizeof(*m));
    if (!m)
        return -ENOMEM;
    s->modified_us = m;
    bool *d = realloc(s->is_dead, cap * sizeof(*d));
    if (!d)
        return -ENOMEM;
    s->is_dead = d;
    s->capacity = cap;
    return 0;
}

static bool is_active(const struct intel_indicator *ind, int64_t now_us)
{
    if (ind->is_revoked)
        return false;
    if (ind->valid_from_us != INTEL_TIME_NONE && ind->valid_from_us > now_us)
        return false;
    return ind->valid_until_us == INTEL_TIME_NONE || ind->valid_until_us > now_us;
}

/* The matcher kind of an atom, or INTEL_KIND_COUNT when it cannot be indexed. */
static enum intel_kind atom_kind(const struct stix_pattern_atom *a)
{
    switch (a->kind) {
    case STIX_ATOM_IPV4:
        return INTEL_KIND_IPV4;
    case STIX_ATOM_IPV6:
        return INTEL_KIND_IPV6;
    case STIX_ATOM_DOMAIN:
        return INTEL_KIND_DOMAIN;
    case STIX_ATOM_URL:
        return INTEL_KIND_URL;
    case STIX_ATOM_EMAIL:
        return INTEL_KIND_EMAIL;
    case STIX_ATOM_HASH_MD5:
        return INTEL_KIND_MD5;
    case STIX_ATOM_HASH_SHA1:
        return INTEL_KIND_SHA1;
    case STIX_ATOM_HASH_SHA256:
        return INTEL_KIND_SHA256;
    case STIX_ATOM_JA3:
        return INTEL_KIND_JA3;
    case STIX_ATOM_JA3S:
        return INTEL_KIND_JA3S;
    case STIX_ATOM_JA4:
        return INTEL_KIND_JA4;
    default:
        return INTEL_KIND_COUNT;
    }
}

/* How a parsed pattern is matched (see enum intel_entry_mode). */
static enum intel_entry_mode classify(const struct stix_pattern *p)
{
    if (!stix_pattern_is_simple(p))
        return INTEL_ENTRY_EVALUATE;
    size_t n = 0;
    const struct stix_pattern_atom *atoms = stix_pattern_atoms(p, &n);
    enum intel_entry_mode mode = INTEL_ENTRY_INDEXED;
    for (size_t i = 0; i < n; i++) {
        if (atom_kind(&atoms[i]) == INTEL_KIND_COUNT)
            return INTEL_ENTRY_EVALUATE;
        /* A side, or a hash that is a certificate's, is more than a value:
         * the matcher finds candidates, the pattern decides. */
        bool is_hash =
            atoms[i].kind >= STIX_ATOM_HASH_MD5 && atoms[i].kind <= STIX_ATOM_HASH_SHA256;
        if (atoms[i].side != STIX_SIDE_NONE ||
            (is_hash && strcmp(atoms[i].object_type, "file") != 0))
            mode = INTEL_ENTRY_CONFIRM;
    }
    return n ? mode : INTEL_ENTRY_EVALUATE;
}

/* Adds a simple pattern's values under ref; counts refused values. */
static void index_atoms(struct intel_set_builder *b, const struct stix_pattern *p, uint32_t ref)
{
    size_t n = 0;
    const struct stix_pattern_atom *atoms = stix_pattern_atoms(p, &n);
    for (size_t i = 0; i < n; i++) {
        enum intel_kind k = atom_kind(&atoms[i]);
        int rc = intel_match_builder_add(b->mb, k, atoms[i].value, atoms[i].value_len, ref);
        if (rc == 0)
            b->set->counters[INTEL_SET_VALUES]++;
        else
            b->set->counters[INTEL_SET_VALUES_REJECTED]++;
    }
}

static int copy_related(struct intel_set *s, struct intel_entry *e,
                        const struct intel_indicator *ind)
{
    bool ok = true;
    e->related = NULL;
    e->related_count = 0;
    if (!ind->related_count)
        return 0;
    struct intel_related *r = arena_alloc(s, ind->related_count * sizeof(*r));
    if (!r)
        return -ENOMEM;
    for (size_t i = 0; i < ind->related_count; i++) {
        const struct intel_related *src = &ind->related[i];
        r[i] = (struct intel_related){
            .type = arena_strdup(s, src->type, &ok),
            .stix_id = arena_strdup(s, src->stix_id, &ok),
            .name = arena_strdup(s, src->name, &ok),
            .external_id = arena_strdup(s, src->external_id, &ok),
            .aliases = arena_strdup(s, src->aliases, &ok),
            .relationship = arena_strdup(s, src->relationship, &ok),
        };
    }
    e->related = r;
    e->related_count = ind->related_count;
    return ok ? 0 : -ENOMEM;
}

static int fill_entry(struct intel_set *s, struct intel_entry *e, const struct intel_indicator *ind)
{
    bool ok = true;
    *e = (struct intel_entry){
        .stix_id = arena_strdup(s, ind->stix_id, &ok),
        .name = arena_strdup(s, ind->name, &ok),
        .pattern = arena_strdup(s, ind->pattern, &ok),
        .source = arena_strdup(s, ind->source, &ok),
        .indicator_types = arena_strdup(s, ind->indicator_types, &ok),
        .kill_chain_phases = arena_strdup(s, ind->kill_chain_phases, &ok),
        .valid_until_us = ind->valid_until_us,
        .confidence = ind->confidence,
        .tlp = ind->tlp,
        .signature_id = intel_set_signature_id(ind->stix_id),
    };
    if (!ok)
        return -ENOMEM;
    return copy_related(s, e, ind);
}

/* Parses and classifies; *out NULL (and counted) when it takes no part. */
static struct stix_pattern *parse_offered(struct intel_set_builder *b,
                                          const struct intel_indicator *ind,
                                          enum intel_entry_mode *mode)
{
    uint64_t *c = b->set->counters;
    if (!ind->stix_id || !ind->pattern || !ind->pattern_type ||
        strcmp(ind->pattern_type, "stix") != 0) {
        c[INTEL_SET_NOT_STIX]++;
        return NULL;
    }
    if (!is_active(ind, b->now_us)) {
        c[INTEL_SET_INACTIVE]++;
        return NULL;
    }
    struct stix_pattern *p = stix_pattern_parse(ind->pattern, strlen(ind->pattern), NULL);
    if (!p) {
        c[INTEL_SET_BAD_PATTERN]++;
        return NULL;
    }
    if (!stix_pattern_is_single_observation(p)) {
        c[INTEL_SET_NOT_EVALUATED]++;
        stix_pattern_free(p);
        return NULL;
    }
    *mode = classify(p);
    return p;
}

/* Finds the id; marks an older version dead. False when ind is not newer. */
static bool supersede(struct intel_set_builder *b, const struct intel_indicator *ind,
                      struct id_slot **slot_out)
{
    struct intel_set *s = b->set;
    uint64_t h = fnv1a64(ind->stix_id);
    struct id_slot *slot = ids_find(b, ind->stix_id, h);
    if (slot->index) {
        size_t old = slot->index - 1;
        s->counters[INTEL_SET_DUPLICATE]++;
        if (s->modified_us[old] >= ind->modified_us)
            return false;
        s->is_dead[old] = true;
        s->counters[INTEL_SET_LOADED]--;
    }
    slot->hash = h;
    *slot_out = slot;
    return true;
}

int intel_set_builder_add(struct intel_set_builder *b, const struct intel_indicator *ind)
{
    struct intel_set *s = b->set;
    s->counters[INTEL_SET_OFFERED]++;
    enum intel_entry_mode mode = INTEL_ENTRY_INDEXED;
    struct stix_pattern *p = parse_offered(b, ind, &mode);
    if (!p)
        return 0;
    int rc = -ENOMEM;
    if ((s->count + 1) * 2 > b->ids_cap && ids_grow(b) != 0)
        goto fail;
    struct id_slot *slot = NULL;
    if (!supersede(b, ind, &slot)) {
        stix_pattern_free(p);
        return 0;
    }
    if (set_reserve(s) != 0 || s->count >= UINT32_MAX - 1)
        goto fail;
    size_t index = s->count;
    struct intel_entry *e = &s->entries[index];
    if (fill_entry(s, e, ind) != 0)
        goto fail;
    e->mode = mode;
    s->modified_us[index] = ind->modified_us;
    s->is_dead[index] = false;
    if (mode != INTEL_ENTRY_EVALUATE)
        index_atoms(b, p, (uint32_t)index);
    e->parsed = mode == INTEL_ENTRY_INDEXED ? NULL : p;
    if (mode == INTEL_ENTRY_INDEXED)
        stix_pattern_free(p);
    s->count++;
    slot->index = (uint32_t)(index + 1);
    s->counters[INTEL_SET_LOADED]++;
    s->counters[mode == INTEL_ENTRY_INDEXED   ? INTEL_SET_INDEXED
                : mode == INTEL_ENTRY_CONFIRM ? INTEL_SET_CONFIRM
                                              : INTEL_SET_EVALUATE]++;
    return 0;
fail:
    s->counters[INTEL_SET_NOMEM]++;
    stix_pattern_free(p);
    return rc;
}

int intel_set_builder_add_cb(void *builder, const struct intel_indicator *ind)
{
    return intel_set_builder_add(builder, ind);
}

struct intel_set *intel_set_build(struct intel_set_builder *b)
{
    struct intel_set *s = b->set;
    s->matcher = intel_match_build(b->mb);
    if (!s->matcher) {
        intel_set_builder_free(b);
        return NULL;
    }
    /* The per-event list: live EVALUATE entries, in offer order, taken now
     * that the entry array no longer moves. Their counter counts dead ones
     * too, so it bounds the list. */
    size_t cap = s->counters[INTEL_SET_EVALUATE];
    if (cap) {
        s->evaluated = malloc(cap * sizeof(*s->evaluated));
        if (!s->evaluated) {
            intel_set_builder_free(b);
            return NULL;
        }
    }
    for (size_t i = 0; cap && i < s->count; i++)
        if (!s->is_dead[i] && s->entries[i].mode == INTEL_ENTRY_EVALUATE)
            s->evaluated[s->evaluated_count++] = &s->entries[i];
    b->set = NULL;
    intel_set_builder_free(b);
    return s;
}

void intel_set_free(struct intel_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++)
        stix_pattern_free((struct stix_pattern *)s->entries[i].parsed);
    intel_match_free(s->matcher);
    while (s->arena) {
        struct arena_chunk *next = s->arena->next;
        free(s->arena);
        s->arena = next;
    }
    free(s->entries);
    free(s->modified_us);
    free(s->is_dead);
    free(s->evaluated);
    free(s);
}

const struct intel_match *intel_set_matcher(const struct intel_set *s)
{
    return s->matcher;
}

const struct intel_entry *intel_set_entry(const struct intel_set *s, uint32_t ref)
{
    if (ref >= s->count || s->is_dead[ref])
        return NULL;
    return &s->entries[ref];
}

size_t intel_set_entry_count(const struct intel_set *s)
{
    return s->counters[INTEL_SET_LOADED];
}

const struct intel_entry *const *intel_set_evaluated(const struct intel_set *s, size_t *count)
{
    *count = s->evaluated_count;
    return s->evaluated;
}

struct counter_view intel_set_counters(const struct intel_set *s)
{
    return (struct counter_view){"intel_set", intel_set_counter_names, s->counters,
                                 INTEL_SET_COUNTER_COUNT};
}
