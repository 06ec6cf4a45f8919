/* stix_related.c — a bundle's relationship graph, reduced to what an alert
 * needs (stix_related.h). Nodes are interned STIX ids in an open-addressing
 * table; edges are singly linked per node. Only relationships that can be
 * part of an answer are kept: "indicates"/"related-to" from an indicator to
 * a context object, "attributed-to" between context objects, and "uses"
 * between a context object and an attack pattern.
 */
#include "intel/import/stix_related.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/import/import_id.h"
#include "intel/import/import_time.h"

enum rel_kind { RK_INDICATES = 0, RK_RELATED_TO, RK_ATTRIBUTED_TO, RK_USES };

static const char *const rel_names[] = {"indicates", "related-to", "attributed-to", "uses"};

/* Context object types, in the order hops look for them. */
static const char *const entity_types[] = {"intrusion-set", "threat-actor", "campaign",
                                           "malware",       "tool",         "attack-pattern"};

#define NO_EDGE UINT32_MAX
/* Edges looked at per indicator, whatever the bundle holds. */
#define HOP_EDGE_BUDGET 4096u

struct node {
    const char *id;
    const char *type; /* static string, or NULL for types not kept */
    const char *name, *external_id, *aliases;
    int64_t modified_us;
    uint32_t first_edge;
    bool is_defined, is_revoked;
};

struct edge {
    uint32_t to, next;
    uint8_t kind;
};

struct stix_related {
    struct import_arena arena;
    struct node *nodes;
    size_t node_count, node_cap;
    struct edge *edges;
    size_t edge_count, edge_cap;
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
    free(r->slots);
    free(r);
}

size_t stix_related_bytes(const struct stix_related *r)
{
    return sizeof *r + r->arena.used_bytes + r->node_cap * sizeof(struct node) +
           r->edge_cap * sizeof(struct edge) + r->slot_cap * sizeof(uint32_t);
}

size_t stix_related_peak_bytes(const struct stix_related *r)
{
    return r->peak_bytes;
}

static const char *entity_type(const char *type, size_t len)
{
    for (size_t i = 0; i < sizeof entity_types / sizeof entity_types[0]; i++)
        if (strlen(entity_types[i]) == len && memcmp(type, entity_types[i], len) == 0)
            return entity_types[i];
    return NULL;
}

/* The kept type named by an id's prefix ("malware--…"), or NULL. */
static const char *id_type(const char *id)
{
    const char *sep = strstr(id, "--");
    if (!sep)
        return NULL;
    size_t len = (size_t)(sep - id);
    if (len == 9 && memcmp(id, "indicator", 9) == 0)
        return "indicator";
    if (len == 8 && memcmp(id, "identity", 8) == 0)
        return "identity";
    return entity_type(id, len);
}

bool stix_related_wants(const char *type)
{
    return type && (strcmp(type, "relationship") == 0 || strcmp(type, "identity") == 0 ||
                    entity_type(type, strlen(type)) != NULL);
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

static uint64_t hash_id(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
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
        size_t at = hash_id(r->nodes[i].id) & (cap - 1);
        while (slots[at])
            at = (at + 1) & (cap - 1);
        slots[at] = (uint32_t)i + 1;
    }
    free(r->slots);
    r->slots = slots;
    r->slot_cap = cap;
    return true;
}

static struct node *find(const struct stix_related *r, const char *id)
{
    if (!r->slot_cap)
        return NULL;
    size_t at = hash_id(id) & (r->slot_cap - 1);
    for (; r->slots[at]; at = (at + 1) & (r->slot_cap - 1)) {
        struct node *n = &r->nodes[r->slots[at] - 1];
        if (strcmp(n->id, id) == 0)
            return n;
    }
    return NULL;
}

/* The node of id, created when new; NULL when full. */
static struct node *intern(struct stix_related *r, const char *id)
{
    struct node *n = find(r, id);
    if (n)
        return n;
    if ((r->node_count + 1) * 2 > r->slot_cap && !grow_slots(r))
        return NULL;
    if (r->node_count == r->node_cap) {
        size_t cap = r->node_cap ? r->node_cap * 2 : 256;
        if (cap >= UINT32_MAX || !room_for(r, (cap - r->node_cap) * sizeof(struct node)))
            return NULL;
        struct node *nodes = realloc(r->nodes, cap * sizeof *nodes);
        if (!nodes)
            return NULL;
        r->nodes = nodes;
        r->node_cap = cap;
    }
    if (!room_for(r, strlen(id) + 64))
        return NULL;
    const char *copy = import_arena_strdup(&r->arena, id);
    if (!copy)
        return NULL;
    n = &r->nodes[r->node_count];
    memset(n, 0, sizeof *n);
    n->id = copy;
    n->type = id_type(id);
    n->first_edge = NO_EDGE;
    size_t at = hash_id(id) & (r->slot_cap - 1);
    while (r->slots[at])
        at = (at + 1) & (r->slot_cap - 1);
    r->slots[at] = (uint32_t)++r->node_count;
    note_peak(r);
    return n;
}

static bool add_edge(struct stix_related *r, const char *from, const char *to, uint8_t kind)
{
    struct node *a = intern(r, from);
    struct node *b = a ? intern(r, to) : NULL;
    if (!b)
        return false;
    a = find(r, from); /* the node array may have moved */
    if (r->edge_count == r->edge_cap) {
        size_t cap = r->edge_cap ? r->edge_cap * 2 : 1024;
        if (cap >= UINT32_MAX || !room_for(r, (cap - r->edge_cap) * sizeof(struct edge)))
            return false;
        struct edge *edges = realloc(r->edges, cap * sizeof *edges);
        if (!edges)
            return false;
        r->edges = edges;
        r->edge_cap = cap;
    }
    struct edge *e = &r->edges[r->edge_count];
    e->to = (uint32_t)(b - r->nodes);
    e->kind = kind;
    e->next = a->first_edge;
    a->first_edge = (uint32_t)r->edge_count++;
    note_peak(r);
    return true;
}

static int add_relationship(struct stix_related *r, const json_t *obj)
{
    const char *rtype = json_string_value(json_object_get(obj, "relationship_type"));
    const char *src = json_string_value(json_object_get(obj, "source_ref"));
    const char *dst = json_string_value(json_object_get(obj, "target_ref"));
    if (!rtype || !import_id_is_stix(src, NULL) || !import_id_is_stix(dst, NULL))
        return -EINVAL;
    if (json_is_true(json_object_get(obj, "revoked")))
        return 0;
    const char *st = id_type(src), *dt = id_type(dst);
    bool src_entity = st && strcmp(st, "indicator") && strcmp(st, "identity");
    bool dst_entity = dt && strcmp(dt, "indicator") && strcmp(dt, "identity");
    bool ok = true;
    if (!strcmp(rtype, "indicates") || !strcmp(rtype, "related-to")) {
        uint8_t kind = rtype[0] == 'i' ? RK_INDICATES : RK_RELATED_TO;
        if (st && !strcmp(st, "indicator") && dst_entity)
            ok = add_edge(r, src, dst, kind);
        else if (kind == RK_RELATED_TO && dt && !strcmp(dt, "indicator") && src_entity)
            ok = add_edge(r, dst, src, kind);
    } else if (!strcmp(rtype, "attributed-to") && src_entity && dst_entity) {
        ok = add_edge(r, src, dst, RK_ATTRIBUTED_TO) && add_edge(r, dst, src, RK_ATTRIBUTED_TO);
    } else if (!strcmp(rtype, "uses") && src_entity && dst_entity &&
               (!strcmp(st, "attack-pattern") || !strcmp(dt, "attack-pattern"))) {
        ok = add_edge(r, src, dst, RK_USES) && add_edge(r, dst, src, RK_USES);
    }
    return ok ? 0 : -ENOSPC;
}

/* The ATT&CK id from external_references ("G0128", "T1071.001"), or NULL. */
static const char *attack_id(const json_t *obj)
{
    static const char *const sources[] = {"mitre-attack", "mitre-mobile-attack",
                                          "mitre-ics-attack"};
    const json_t *refs = json_object_get(obj, "external_references");
    for (size_t s = 0; s < sizeof sources / sizeof sources[0]; s++) {
        size_t i;
        json_t *ref;
        json_array_foreach(refs, i, ref)
        {
            const char *src = json_string_value(json_object_get(ref, "source_name"));
            const char *ext = json_string_value(json_object_get(ref, "external_id"));
            if (src && ext && !strcmp(src, sources[s]))
                return ext;
        }
    }
    return NULL;
}

/* "a, b, c" from aliases (or ATT&CK's x_mitre_aliases) without the name. */
static const char *join_aliases(struct stix_related *r, const json_t *obj, const char *name)
{
    const json_t *list = json_object_get(obj, "aliases");
    if (!json_is_array(list))
        list = json_object_get(obj, "x_mitre_aliases");
    struct strbuf b;
    strbuf_init(&b);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        const char *a = json_string_value(v);
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

static int add_entity(struct stix_related *r, const json_t *obj, const char *id)
{
    struct node *n = intern(r, id);
    if (!n)
        return -ENOSPC;
    int64_t modified = 0;
    import_time_parse_stix(json_string_value(json_object_get(obj, "modified")), &modified);
    if (n->is_defined && modified <= n->modified_us)
        return 0; /* an older or the same version */
    const char *name = json_string_value(json_object_get(obj, "name"));
    const char *ext = attack_id(obj);
    size_t need = (name ? strlen(name) : 0) + (ext ? strlen(ext) : 0) + 64;
    if (!room_for(r, need))
        return -ENOSPC;
    n->name = name ? import_arena_strdup(&r->arena, name) : NULL;
    n->external_id = ext ? import_arena_strdup(&r->arena, ext) : NULL;
    n->aliases = join_aliases(r, obj, name);
    n->modified_us = modified;
    n->is_revoked = json_is_true(json_object_get(obj, "revoked")) ||
                    json_is_true(json_object_get(obj, "x_mitre_deprecated"));
    n->is_defined = true;
    note_peak(r);
    return r->arena.is_failed ? -ENOSPC : 0;
}

int stix_related_add(struct stix_related *r, const json_t *obj)
{
    if (r->is_full)
        return -ENOSPC;
    const char *type = json_string_value(json_object_get(obj, "type"));
    const char *id = json_string_value(json_object_get(obj, "id"));
    if (!type || !stix_related_wants(type) || !import_id_is_stix(id, type))
        return -EINVAL;
    int rc = !strcmp(type, "relationship") ? add_relationship(r, obj) : add_entity(r, obj, id);
    if (rc == -ENOSPC)
        r->is_full = true;
    return rc;
}

const char *stix_related_identity_name(const struct stix_related *r, const char *id)
{
    const struct node *n = id ? find(r, id) : NULL;
    return n && n->is_defined && n->type && !strcmp(n->type, "identity") ? n->name : NULL;
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
    for (size_t i = 0; i < z->res.count; i++)
        if (z->out[i].stix_id == n->id)
            return true;
    if (z->res.count == z->max) {
        z->res.is_truncated = true;
        return false;
    }
    struct intel_related *e = &z->out[z->res.count++];
    e->type = n->type;
    e->stix_id = n->id;
    e->name = n->name;
    e->external_id = n->external_id;
    e->aliases = n->aliases;
    e->relationship = relationship;
    return true;
}

/* Hops of one kind from the direct entries out[0 .. direct). */
static void hop(struct resolve *z, size_t direct, uint8_t kind, unsigned *budget)
{
    for (size_t d = 0; d < direct; d++) {
        const struct node *from = find(z->r, z->out[d].stix_id);
        char text[64];
        snprintf(text, sizeof text, "%s (via %s)", rel_names[kind], from->type);
        const char *rel = NULL;
        for (uint32_t e = from->first_edge; e != NO_EDGE && *budget; e = z->r->edges[e].next) {
            (*budget)--;
            const struct edge *ed = &z->r->edges[e];
            const struct node *to = &z->r->nodes[ed->to];
            if (ed->kind != kind || !to->is_defined || to->is_revoked)
                continue;
            bool is_wanted = kind == RK_USES ? !strcmp(to->type, "attack-pattern")
                                             : !strcmp(to->type, "intrusion-set") ||
                                                   !strcmp(to->type, "threat-actor");
            if (!is_wanted)
                continue;
            if (!rel && !(rel = import_arena_strdup(z->scratch, text)))
                return;
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
    const struct node *ind = indicator_id ? find(r, indicator_id) : NULL;
    if (!ind)
        return z.res;
    unsigned budget = HOP_EDGE_BUDGET;
    for (uint32_t e = ind->first_edge; e != NO_EDGE && budget; e = r->edges[e].next) {
        budget--;
        const struct node *to = &r->nodes[r->edges[e].to];
        if (!to->is_defined) {
            z.res.dangling++;
            continue;
        }
        if (!to->is_revoked && !put(&z, to, rel_names[r->edges[e].kind]))
            break;
    }
    size_t direct = z.res.count;
    hop(&z, direct, RK_ATTRIBUTED_TO, &budget);
    hop(&z, direct, RK_USES, &budget);
    return z.res;
}
