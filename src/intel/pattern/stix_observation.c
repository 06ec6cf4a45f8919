/* stix_observation.c — building one observation (STIX 2.1 §6 cyber observable
 * objects) in an arena under a byte cap. Hash keys are stored under their STIX
 * vocabulary names and hex digests in lower case, so patterns and observations
 * meet on one spelling.
 */
#include "intel/pattern/stix_observation.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intel/pattern/stix_pattern_ast.h"

/* The observation's arena is a struct sp_arena behind the opaque chunk pointer. */
static struct sp_arena *arena_of(struct stix_observation *obs)
{
    return (struct sp_arena *)obs->chunks;
}

static void *obs_alloc(struct stix_observation *obs, size_t n)
{
    struct sp_arena *a = arena_of(obs);
    void *m = a ? sp_arena_alloc(a, n) : NULL;
    if (!m)
        obs->is_failed = true;
    else
        obs->used_bytes = a->used_bytes;
    return m;
}

void stix_observation_init(struct stix_observation *obs, size_t cap_bytes)
{
    memset(obs, 0, sizeof *obs);
    obs->cap_bytes = cap_bytes ? cap_bytes : STIX_OBSERVATION_DEFAULT_CAP_BYTES;
    struct sp_arena *a = malloc(sizeof *a);
    if (a)
        sp_arena_init(a, obs->cap_bytes);
    else
        obs->is_failed = true;
    obs->chunks = (struct stix_observation_chunk *)a;
}

void stix_observation_reset(struct stix_observation *obs)
{
    struct sp_arena *a = arena_of(obs);
    if (a) {
        sp_arena_fini(a);
        sp_arena_init(a, obs->cap_bytes);
    }
    obs->objects = NULL;
    obs->count = obs->capacity = 0;
    obs->used_bytes = 0;
    obs->is_failed = a == NULL;
}

void stix_observation_fini(struct stix_observation *obs)
{
    struct sp_arena *a = arena_of(obs);
    if (a) {
        sp_arena_fini(a);
        free(a);
    }
    memset(obs, 0, sizeof *obs);
}

int stix_observation_add_object(struct stix_observation *obs, const char *type)
{
    if (obs->count >= STIX_OBSERVATION_MAX_OBJECTS)
        return -E2BIG;
    if (obs->count == obs->capacity) {
        size_t cap = obs->capacity ? obs->capacity * 2 : 8;
        struct stix_object *grown = obs_alloc(obs, cap * sizeof *grown);
        if (!grown)
            return -ENOMEM;
        if (obs->count)
            memcpy(grown, obs->objects, obs->count * sizeof *grown);
        obs->objects = grown;
        obs->capacity = cap;
    }
    char *t = obs_alloc(obs, strlen(type) + 1);
    if (!t)
        return -ENOMEM;
    strcpy(t, type);
    struct stix_object *o = &obs->objects[obs->count];
    memset(o, 0, sizeof *o);
    o->type = t;
    o->props.type = STIX_VALUE_DICT;
    return (int)obs->count++;
}

struct stix_value *stix_observation_props(struct stix_observation *obs, size_t idx)
{
    return idx < obs->count ? &obs->objects[idx].props : NULL;
}

struct stix_value *stix_value_add(struct stix_observation *obs, struct stix_value *container,
                                  const char *key)
{
    if (!container || (container->type != STIX_VALUE_DICT && container->type != STIX_VALUE_LIST))
        return NULL;
    struct stix_member *m = obs_alloc(obs, sizeof *m);
    if (!m)
        return NULL;
    if (key && container->type == STIX_VALUE_DICT) {
        char *k = obs_alloc(obs, strlen(key) + 1);
        if (!k)
            return NULL;
        strcpy(k, key);
        m->key = k;
    }
    if (container->u.c.last)
        container->u.c.last->next = m;
    else
        container->u.c.first = m;
    container->u.c.last = m;
    container->u.c.count++;
    return &m->value;
}

static int set_bytes(struct stix_observation *obs, struct stix_value *v, enum stix_value_type t,
                     const void *b, size_t len)
{
    char *d = obs_alloc(obs, len + 1);
    if (!d)
        return -ENOMEM;
    if (len)
        memcpy(d, b, len);
    d[len] = '\0';
    v->type = t;
    v->u.s.ptr = d;
    v->u.s.len = len;
    return 0;
}

int stix_value_set_string(struct stix_observation *obs, struct stix_value *v, const char *s,
                          size_t len)
{
    return set_bytes(obs, v, STIX_VALUE_STRING, s, len);
}

int stix_value_set_binary(struct stix_observation *obs, struct stix_value *v, const void *b,
                          size_t len)
{
    return set_bytes(obs, v, STIX_VALUE_BINARY, b, len);
}

void stix_value_set_int(struct stix_value *v, int64_t i)
{
    v->type = STIX_VALUE_INT;
    v->u.i = i;
}

void stix_value_set_float(struct stix_value *v, double f)
{
    v->type = STIX_VALUE_FLOAT;
    v->u.f = f;
}

void stix_value_set_bool(struct stix_value *v, bool b)
{
    v->type = STIX_VALUE_BOOL;
    v->u.b = b;
}

void stix_value_set_ref(struct stix_value *v, size_t object_idx)
{
    v->type = STIX_VALUE_REF;
    v->u.ref = object_idx;
}

void stix_value_set_list(struct stix_value *v)
{
    memset(v, 0, sizeof *v);
    v->type = STIX_VALUE_LIST;
}

void stix_value_set_dict(struct stix_value *v)
{
    memset(v, 0, sizeof *v);
    v->type = STIX_VALUE_DICT;
}

const struct stix_value *stix_value_get(const struct stix_value *dict, const char *key,
                                        size_t key_len)
{
    if (!dict || dict->type != STIX_VALUE_DICT)
        return NULL;
    for (const struct stix_member *m = dict->u.c.first; m; m = m->next)
        if (m->key && strlen(m->key) == key_len && memcmp(m->key, key, key_len) == 0)
            return &m->value;
    return NULL;
}

/* --- Builders ----------------------------------------------------------- */

int stix_observation_add_string(struct stix_observation *obs, size_t idx, const char *key,
                                const char *value)
{
    struct stix_value *v = stix_value_add(obs, stix_observation_props(obs, idx), key);
    if (!v)
        return -ENOMEM;
    return stix_value_set_string(obs, v, value, strlen(value));
}

int stix_observation_add_value_object(struct stix_observation *obs, const char *type,
                                      const char *value)
{
    int idx = stix_observation_add_object(obs, type);
    if (idx < 0)
        return idx;
    int rc = stix_observation_add_string(obs, (size_t)idx, "value", value);
    return rc < 0 ? rc : idx;
}

int stix_observation_add_hash(struct stix_observation *obs, size_t idx, const char *algo,
                              const char *hex)
{
    struct stix_value *props = stix_observation_props(obs, idx);
    if (!props)
        return -EINVAL;
    const char *canon = sp_hash_canonical(algo, strlen(algo), NULL);
    struct stix_value *hashes = (struct stix_value *)stix_value_get(props, "hashes", 6);
    if (!hashes) {
        hashes = stix_value_add(obs, props, "hashes");
        if (!hashes)
            return -ENOMEM;
        stix_value_set_dict(hashes);
    }
    struct stix_value *v = stix_value_add(obs, hashes, canon ? canon : algo);
    if (!v)
        return -ENOMEM;
    size_t len = strlen(hex);
    if (stix_value_set_string(obs, v, hex, len) < 0)
        return -ENOMEM;
    if (canon) {
        char *d = (char *)v->u.s.ptr; /* our arena copy */
        for (size_t k = 0; k < len; k++)
            if (d[k] >= 'A' && d[k] <= 'F')
                d[k] = (char)(d[k] - 'A' + 'a');
    }
    return 0;
}

int stix_observation_add_network_traffic(struct stix_observation *obs, int src_ref, int dst_ref,
                                         uint16_t src_port, uint16_t dst_port,
                                         const char *const *protocols)
{
    int idx = stix_observation_add_object(obs, "network-traffic");
    if (idx < 0)
        return idx;
    struct stix_value *props = stix_observation_props(obs, (size_t)idx), *v;
    if (src_ref >= 0) {
        if (!(v = stix_value_add(obs, props, "src_ref")))
            return -ENOMEM;
        stix_value_set_ref(v, (size_t)src_ref);
    }
    if (dst_ref >= 0) {
        if (!(v = stix_value_add(obs, props, "dst_ref")))
            return -ENOMEM;
        stix_value_set_ref(v, (size_t)dst_ref);
    }
    if (src_port) {
        if (!(v = stix_value_add(obs, props, "src_port")))
            return -ENOMEM;
        stix_value_set_int(v, src_port);
    }
    if (dst_port) {
        if (!(v = stix_value_add(obs, props, "dst_port")))
            return -ENOMEM;
        stix_value_set_int(v, dst_port);
    }
    if (protocols) {
        struct stix_value *list = stix_value_add(obs, props, "protocols");
        if (!list)
            return -ENOMEM;
        stix_value_set_list(list);
        for (size_t k = 0; protocols[k]; k++) {
            if (!(v = stix_value_add(obs, list, NULL)) ||
                stix_value_set_string(obs, v, protocols[k], strlen(protocols[k])) < 0)
                return -ENOMEM;
        }
    }
    return idx;
}
