/* stix_related.c — a bundle's relationship graph, reduced to what an alert
 * needs (stix_related.h). Nodes are STIX ids in binary form in an
 * open-addressing table; edges are singly linked per node; the objects
 * actually defined in the bundle have an entity record with their texts.
 * Only relationships that can be part of an answer are kept: "indicates"/
 * "related-to" from an indicator to a context object, "attributed-to"
 * between context objects, and "uses" between a context object and an
 * attack pattern.
 */
#include "intel/import/stix_related.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "intel/import/import_id.h"
#include "intel/import/import_time.h"

enum rel_kind { RK_INDICATES = 0, RK_RELATED_TO, RK_ATTRIBUTED_TO, RK_USES };

static const char *const rel_names[] = {"indicates", "related-to", "attributed-to", "uses"};

/* The id types a node can have: indicators, identities, then the context
 * objects (entities) in the order hops look for them. */
enum node_type {
    NT_INDICATOR = 0,
    NT_IDENTITY,
    NT_INTRUSION_SET,
    NT_THREAT_ACTOR,
    NT_CAMPAIGN,
    NT_MALWARE,
    NT_TOOL,
    NT_ATTACK_PATTERN,
    NT_COUNT,
    NT_NONE = NT_COUNT,
};

static const char *const type_names[NT_COUNT] = {
    "indicator", "identity", "intrusion-set", "threat-actor",
    "campaign",  "malware",  "tool",          "attack-pattern",
};

#define NO_EDGE UINT32_MAX
/* Edges looked at per indicator, whatever the bundle holds. */
#define HOP_EDGE_BUDGET 4096u
/* An edge keeps its kind in the top bits of its target. */
#define EDGE_TO_BITS 30u
#define EDGE_TO_MASK ((1u << EDGE_TO_BITS) - 1u)

/* A STIX id: "<type>--<uuid>". */
struct id_key {
    uint8_t uuid[16];
    uint32_t upper; /* bit i: hex digit i is written in upper case */
    uint8_t type;
};

struct node {
    uint8_t uuid[16];
    uint32_t upper;
    uint32_t first_edge;
    uint32_t entity; /* 1 + index in entities when the object is defined, else 0 */
    uint8_t type;
};

/* An object defined in the bundle (an entity or an identity). */
struct entity {
    const char *id, *name, *external_id, *aliases;
    int64_t modified_us;
    bool is_revoked;
};

struct edge {
    uint32_t to_kind; /* target node | kind << EDGE_TO_BITS */
    uint32_t next;
};

struct stix_related {
    struct import_arena arena;
    struct node *nodes;
    size_t node_count, node_cap;
    struct edge *edges;
    size_t edge_count, edge_cap;
    struct entity *entities;
    size_t entity_count, entity_cap;
    uint32_t *slots; /* node index + 1; 0 is empty */
    size_t slot_cap;
    size_t cap_bytes, peak_bytes;
    bool is_full;
};

struct stix_related *stix_related_new(size_t cap_bytes)
{
    struct stix_related *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    import_arena_init(&r->arena, 0);
    r->cap_bytes = cap_bytes;
    return r;
}

void stix_related_free(struct stix_related *r)
{
    if (!r)
        return;
    import_arena_fini(&r->arena);
    free(r->nodes);
    free(r->edges);
    free(r->entities);
    free(r->slots);
    free(r);
}

size_t stix_related_bytes(const struct stix_related *r)
{
    return sizeof *r + r->arena.used_bytes + r->node_cap * sizeof(struct node) +
           r->edge_cap * sizeof(struct edge) + r->entity_cap * sizeof(struct entity) +
           r->slot_cap * sizeof(uint32_t);
}

size_t stix_related_peak_bytes(const struct stix_related *r)
{
    return r->peak_bytes;
}

size_t stix_related_node_count(const struct stix_related *r)
{
    return r->node_count;
}

size_t stix_related_edge_count(const struct stix_related *r)
{
    return r->edge_count;
}

static enum node_type type_of(const char *type, size_t len)
{
    for (int t = 0; t < NT_COUNT; t++)
        if (strlen(type_names[t]) == len && memcmp(type, type_names[t], len) == 0)
            return (enum node_type)t;
    return NT_NONE;
}

static bool is_entity(enum node_type t)
{
    return t >= NT_INTRUSION_SET && t < NT_COUNT;
}

bool stix_related_wants(const char *type)
{
    return type && (strcmp(type, "relationship") == 0 || type_of(type, strlen(type)) != NT_NONE) &&
           strcmp(type, "indicator") != 0;
}

static int hex_digit(char c, bool *is_upper)
{
    *is_upper = c >= 'A' && c <= 'F';
    return hex_digit_value((unsigned char)c);
}

/* The key of a kept id ("malware--<uuid>"): false for anything else. */
static bool parse_id(const char *id, struct id_key *k)
{
    if (!id)
        return false;
    const char *sep = strstr(id, "--");
    if (!sep)
        return false;
    enum node_type t = type_of(id, (size_t)(sep - id));
    const char *u = sep + 2;
    if (t == NT_NONE || !import_id_is_uuid(u, strlen(u)))
        return false;
    memset(k, 0, sizeof *k);
    k->type = (uint8_t)t;
    for (size_t i = 0, digit = 0; i < IMPORT_ID_UUID_LEN; i++) {
        if (u[i] == '-')
            continue;
        bool is_upper;
        int v = hex_digit(u[i], &is_upper);
        k->uuid[digit / 2] |= (uint8_t)(digit % 2 ? v : v << 4);
        k->upper |= (uint32_t)is_upper << digit;
        digit++;
    }
    return true;
}

static uint64_t hash_key(const struct id_key *k)
{
    uint64_t a, b;
    memcpy(&a, k->uuid, 8);
    memcpy(&b, k->uuid + 8, 8);
    uint64_t h = a ^ (b * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)k->upper << 8 | k->type);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 29;
    return h;
}

static bool is_same(const struct node *n, const struct id_key *k)
{
    return n->type == k->type && n->upper == k->upper && !memcmp(n->uuid, k->uuid, 16);
}

static bool room_for(struct stix_related *r, size_t more)
{
    size_t now = stix_related_bytes(r);
    if (r->is_full || now > r->cap_bytes || more > r->cap_bytes - now) {
        r->is_full = true;
        return false;
    }
    return true;
}

static void note_peak(struct stix_related *r)
{
    size_t now = stix_related_bytes(r);
    if (now > r->peak_bytes)
        r->peak_bytes = now;
}

/* array grown to twice *cap elements of size unit (first when empty), under
 * the cap and at most limit elements; NULL (array untouched) when it cannot. */
static void *grow_array(struct stix_related *r, void *array, size_t *cap, size_t unit, size_t first,
                        size_t limit)
{
    size_t n = *cap ? *cap * 2 : first;
    if (n > limit || !room_for(r, (n - *cap) * unit))
        return NULL;
    void *na = realloc(array, n * unit);
    if (na)
        *cap = n;
    return na;
}

static bool grow_slots(struct stix_related *r)
{
    size_t cap = r->slot_cap ? r->slot_cap * 2 : 1024;
    if (!room_for(r, cap * sizeof(uint32_t)))
        return false;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < r->node_count; i++) {
        const struct node *n = &r->nodes[i];
        struct id_key k;
        memcpy(k.uuid, n->uuid, 16);
        k.upper = n->upper;
        k.type = n->type;
        size_t at = hash_key(&k) & (cap - 1);
        while (slots[at])
            at = (at + 1) & (cap - 1);
        slots[at] = (uint32_t)i + 1;
    }
    free(r->slots);
    r->slots = slots;
    r->slot_cap = cap;
    return true;
}

/* The node of k, or UINT32_MAX. */
static uint32_t find(const struct stix_related *r, const struct id_key *k)
{
    if (!r->slot_cap)
        return UINT32_MAX;
    size_t at = hash_key(k) & (r->slot_cap - 1);
    for (; r->slots[at]; at = (at + 1) & (r->slot_cap - 1)) {
        uint32_t i = r->slots[at] - 1;
        if (is_same(&r->nodes[i], k))
            return i;
    }
    return UINT32_MAX;
}

static const struct node *find_id(const struct stix_related *r, const char *id)
{
    struct id_key k;
    uint32_t i = parse_id(id, &k) ? find(r, &k) : UINT32_MAX;
    return i == UINT32_MAX ? NULL : &r->nodes[i];
}

/* The node of k, created when new; UINT32_MAX when full. */
static uint32_t intern(struct stix_related *r, const struct id_key *k)
{
    uint32_t i = find(r, k);
    if (i != UINT32_MAX)
        return i;
    if ((r->node_count + 1) * 2 > r->slot_cap && !grow_slots(r))
        return UINT32_MAX;
    if (r->node_count == r->node_cap) {
        struct node *nodes =
            grow_array(r, r->nodes, &r->node_cap, sizeof *nodes, 256, EDGE_TO_MASK);
        if (!nodes)
            return UINT32_MAX;
        r->nodes = nodes;
    }
    i = (uint32_t)r->node_count++;
    struct node *n = &r->nodes[i];
    memset(n, 0, sizeof *n);
    memcpy(n->uuid, k->uuid, 16);
    n->upper = k->upper;
    n->type = k->type;
    n->first_edge = NO_EDGE;
    size_t at = hash_key(k) & (r->slot_cap - 1);
    while (r->slots[at])
        at = (at + 1) & (r->slot_cap - 1);
    r->slots[at] = i + 1;
    note_peak(r);
    return i;
}

static bool add_edge(struct stix_related *r, const struct id_key *from, const struct id_key *to,
                     uint8_t kind)
{
    uint32_t a = intern(r, from);
    uint32_t b = a != UINT32_MAX ? intern(r, to) : UINT32_MAX;
    if (b == UINT32_MAX)
        return false;
    if (r->edge_count == r->edge_cap) {
        struct edge *edges =
            grow_array(r, r->edges, &r->edge_cap, sizeof *edges, 1024, UINT32_MAX - 1);
        if (!edges)
            return false;
        r->edges = edges;
    }
    struct edge *e = &r->edges[r->edge_count];
    e->to_kind = b | (uint32_t)kind << EDGE_TO_BITS;
    e->next = r->nodes[a].first_edge;
    r->nodes[a].first_edge = (uint32_t)r->edge_count++;
    note_peak(r);
    return true;
}

static int add_relationship(struct stix_related *r, const struct json_doc *d,
                            const struct json_doc_node *obj)
{
    const char *rtype = json_doc_get_str(d, obj, "relationship_type");
    const char *src = json_doc_get_str(d, obj, "source_ref");
    const char *dst = json_doc_get_str(d, obj, "target_ref");
    if (!rtype || !import_id_is_stix(src, NULL) || !import_id_is_stix(dst, NULL))
        return -EINVAL;
    if (json_doc_is(json_doc_get(d, obj, "revoked"), JSON_DOC_TRUE))
        return 0;
    struct id_key s, t;
    bool has_s = parse_id(src, &s), has_t = parse_id(dst, &t);
    enum node_type st = has_s ? (enum node_type)s.type : NT_NONE;
    enum node_type dt = has_t ? (enum node_type)t.type : NT_NONE;
    bool src_entity = is_entity(st), dst_entity = is_entity(dt);
    bool ok = true;
    if (!strcmp(rtype, "indicates") || !strcmp(rtype, "related-to")) {
        uint8_t kind = rtype[0] == 'i' ? RK_INDICATES : RK_RELATED_TO;
        if (st == NT_INDICATOR && dst_entity)
            ok = add_edge(r, &s, &t, kind);
        else if (kind == RK_RELATED_TO && dt == NT_INDICATOR && src_entity)
            ok = add_edge(r, &t, &s, kind);
    } else if (!strcmp(rtype, "attributed-to") && src_entity && dst_entity) {
        ok = add_edge(r, &s, &t, RK_ATTRIBUTED_TO) && add_edge(r, &t, &s, RK_ATTRIBUTED_TO);
    } else if (!strcmp(rtype, "uses") && src_entity && dst_entity &&
               (st == NT_ATTACK_PATTERN || dt == NT_ATTACK_PATTERN)) {
        ok = add_edge(r, &s, &t, RK_USES) && add_edge(r, &t, &s, RK_USES);
    }
    return ok ? 0 : -ENOSPC;
}

/* The ATT&CK id from external_references ("G0128", "T1071.001"), or NULL. */
static const char *attack_id(const struct json_doc *d, const struct json_doc_node *obj)
{
    static const char *const sources[] = {"mitre-attack", "mitre-mobile-attack",
                                          "mitre-ics-attack"};
    const struct json_doc_node *refs = json_doc_get(d, obj, "external_references");
    if (!json_doc_is(refs, JSON_DOC_ARRAY))
        return NULL;
    for (size_t s = 0; s < sizeof sources / sizeof sources[0]; s++) {
        for (const struct json_doc_node *ref = json_doc_first(d, refs); ref;
             ref = json_doc_next(d, ref)) {
            const char *src = json_doc_get_str(d, ref, "source_name");
            const char *ext = json_doc_get_str(d, ref, "external_id");
            if (src && ext && !strcmp(src, sources[s]))
                return ext;
        }
    }
    return NULL;
}

/* "a, b, c" from aliases (or ATT&CK's x_mitre_aliases) without the name. */
static const char *join_aliases(struct stix_related *r, const struct json_doc *d,
                                const struct json_doc_node *obj, const char *name)
{
    const struct json_doc_node *list = json_doc_get(d, obj, "aliases");
    if (!json_doc_is(list, JSON_DOC_ARRAY))
        list = json_doc_get(d, obj, "x_mitre_aliases");
    if (!json_doc_is(list, JSON_DOC_ARRAY))
        return NULL;
    struct strbuf b;
    strbuf_init(&b);
    for (const struct json_doc_node *v = json_doc_first(d, list); v; v = json_doc_next(d, v)) {
        const char *a = json_doc_str(d, v);
        if (!a || !*a || (name && !strcmp(a, name)))
            continue;
        if (b.len)
            strbuf_adds(&b, ", ");
        strbuf_adds(&b, a);
    }
    const char *out = NULL;
    if (b.len && !b.is_failed && room_for(r, b.len + 64))
        out = import_arena_strndup(&r->arena, b.p, b.len);
    strbuf_fini(&b);
    return out;
}

static int add_entity(struct stix_related *r, const struct json_doc *d,
                      const struct json_doc_node *obj, const char *id)
{
    struct id_key k;
    if (!parse_id(id, &k))
        return -EINVAL;
    uint32_t i = intern(r, &k);
    if (i == UINT32_MAX)
        return -ENOSPC;
    int64_t modified = 0;
    import_time_parse_stix(json_doc_get_str(d, obj, "modified"), &modified);
    uint32_t e = r->nodes[i].entity;
    if (e && modified <= r->entities[e - 1].modified_us)
        return 0; /* an older or the same version */
    const char *name = json_doc_get_str(d, obj, "name");
    const char *ext = attack_id(d, obj);
    size_t need = strlen(id) + (name ? strlen(name) : 0) + (ext ? strlen(ext) : 0) + 64;
    if (!room_for(r, need))
        return -ENOSPC;
    if (!e) {
        if (r->entity_count == r->entity_cap) {
            struct entity *entities =
                grow_array(r, r->entities, &r->entity_cap, sizeof *entities, 64, UINT32_MAX - 1);
            if (!entities)
                return -ENOSPC;
            r->entities = entities;
        }
        struct entity *en = &r->entities[r->entity_count];
        memset(en, 0, sizeof *en);
        if (!(en->id = import_arena_strdup(&r->arena, id)))
            return -ENOSPC;
        e = (uint32_t)++r->entity_count;
        r->nodes[i].entity = e;
    }
    struct entity *en = &r->entities[e - 1];
    en->name = name ? import_arena_strdup(&r->arena, name) : NULL;
    en->external_id = ext ? import_arena_strdup(&r->arena, ext) : NULL;
    en->aliases = join_aliases(r, d, obj, name);
    en->modified_us = modified;
    en->is_revoked = json_doc_is(json_doc_get(d, obj, "revoked"), JSON_DOC_TRUE) ||
                     json_doc_is(json_doc_get(d, obj, "x_mitre_deprecated"), JSON_DOC_TRUE);
    note_peak(r);
    return r->arena.is_failed ? -ENOSPC : 0;
}

int stix_related_add(struct stix_related *r, const struct json_doc *d,
                     const struct json_doc_node *obj)
{
    if (r->is_full)
        return -ENOSPC;
    const char *type = json_doc_get_str(d, obj, "type");
    const char *id = json_doc_get_str(d, obj, "id");
    if (!type || !stix_related_wants(type) || !import_id_is_stix(id, type))
        return -EINVAL;
    int rc =
        !strcmp(type, "relationship") ? add_relationship(r, d, obj) : add_entity(r, d, obj, id);
    if (rc == -ENOSPC)
        r->is_full = true;
    return rc;
}

static const struct entity *entity_of(const struct stix_related *r, const struct node *n)
{
    return n && n->entity ? &r->entities[n->entity - 1] : NULL;
}

const char *stix_related_identity_name(const struct stix_related *r, const char *id)
{
    if (!id || !r->node_count)
        return NULL;
    const struct node *n = find_id(r, id);
    const struct entity *e = entity_of(r, n);
    return e && n->type == NT_IDENTITY ? e->name : NULL;
}

struct resolve {
    const struct stix_related *r;
    struct intel_related *out;
    size_t max;
    struct stix_related_result res;
    struct import_arena *scratch;
};

/* Adds node n unless it is already listed; false when the list is full. */
static bool put(struct resolve *z, const struct node *n, const char *relationship)
{
    const struct entity *e = entity_of(z->r, n);
    for (size_t i = 0; i < z->res.count; i++)
        if (z->out[i].stix_id == e->id)
            return true;
    if (z->res.count == z->max) {
        z->res.is_truncated = true;
        return false;
    }
    struct intel_related *o = &z->out[z->res.count++];
    o->type = type_names[n->type];
    o->stix_id = e->id;
    o->name = e->name;
    o->external_id = e->external_id;
    o->aliases = e->aliases;
    o->relationship = relationship;
    return true;
}

/* Hops of one kind from the direct entries out[0 .. direct). */
static void hop(struct resolve *z, size_t direct, uint8_t kind, unsigned *budget)
{
    const struct stix_related *r = z->r;
    for (size_t d = 0; d < direct; d++) {
        const struct node *from = find_id(r, z->out[d].stix_id);
        const char *rel = NULL;
        for (uint32_t e = from->first_edge; e != NO_EDGE && *budget; e = r->edges[e].next) {
            (*budget)--;
            const struct edge *ed = &r->edges[e];
            const struct node *to = &r->nodes[ed->to_kind & EDGE_TO_MASK];
            const struct entity *te = entity_of(r, to);
            if (ed->to_kind >> EDGE_TO_BITS != kind || !te || te->is_revoked)
                continue;
            bool is_wanted = kind == RK_USES
                                 ? to->type == NT_ATTACK_PATTERN
                                 : to->type == NT_INTRUSION_SET || to->type == NT_THREAT_ACTOR;
            if (!is_wanted)
                continue;
            if (!rel) {
                char text[64];
                snprintf(text, sizeof text, "%s (via %s)", rel_names[kind], type_names[from->type]);
                if (!(rel = import_arena_strdup(z->scratch, text)))
                    return;
            }
            if (!put(z, to, rel))
                return;
        }
    }
}

struct stix_related_result stix_related_resolve(const struct stix_related *r,
                                                const char *indicator_id, struct intel_related *out,
                                                size_t max, struct import_arena *scratch)
{
    struct resolve z = {r, out, max, {0, 0, false}, scratch};
    if (!r->edge_count || !indicator_id)
        return z.res; /* no relationship in the bundle: nothing to look up */
    const struct node *ind = find_id(r, indicator_id);
    if (!ind)
        return z.res;
    unsigned budget = HOP_EDGE_BUDGET;
    for (uint32_t e = ind->first_edge; e != NO_EDGE && budget; e = r->edges[e].next) {
        budget--;
        const struct node *to = &r->nodes[r->edges[e].to_kind & EDGE_TO_MASK];
        const struct entity *te = entity_of(r, to);
        if (!te) {
            z.res.dangling++;
            continue;
        }
        if (!te->is_revoked && !put(&z, to, rel_names[r->edges[e].to_kind >> EDGE_TO_BITS]))
            break;
    }
    size_t direct = z.res.count;
    hop(&z, direct, RK_ATTRIBUTED_TO, &budget);
    hop(&z, direct, RK_USES, &budget);
    return z.res;
}
