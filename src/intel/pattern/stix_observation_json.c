/* stix_observation_json.c — observed-data JSON (STIX 2.1 §4.14, and the 2.0
 * embedded form) to struct stix_observation, following how the OASIS reference
 * matcher reads observations: only referenced SCOs are matchable, references
 * resolve among them.
 */
#include "intel/pattern/stix_observation_json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intel/pattern/stix_pattern_ast.h"

#define MAX_JSON_DEPTH 32

struct conv {
    struct stix_observation *obs;
    const char **ids; /* id of each object, by index */
    size_t count;
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int resolve(const struct conv *cv, const char *id)
{
    for (size_t k = 0; k < cv->count; k++)
        if (cv->ids[k] && strcmp(cv->ids[k], id) == 0)
            return (int)k;
    return -1;
}

static bool is_b64_text(const char *s, size_t len)
{
    if (len % 4)
        return false;
    size_t pad = 0;
    for (size_t k = 0; k < len; k++) {
        char c = s[k];
        if (c == '=') {
            pad++;
            continue;
        }
        if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '+' || c == '/'))
            return false;
    }
    return pad <= 2;
}

static bool is_hex_text(const char *s, size_t len)
{
    if (len % 2)
        return false;
    for (size_t k = 0; k < len; k++) {
        char c = s[k];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

static int convert(struct conv *cv, struct stix_value *out, const json_t *j, const char *key,
                   bool in_hashes, int depth);

static int convert_string(struct conv *cv, struct stix_value *out, const json_t *j, const char *key,
                          bool in_hashes)
{
    const char *s = json_string_value(j);
    size_t len = json_string_length(j);
    if (ends_with(key, "_ref") || ends_with(key, "_refs")) {
        int idx = resolve(cv, s);
        if (idx >= 0) {
            stix_value_set_ref(out, (size_t)idx);
            return 0;
        }
    }
    if (ends_with(key, "_bin") && is_b64_text(s, len)) {
        uint8_t *buf = malloc(len + 1);
        if (!buf)
            return -ENOMEM;
        size_t n = sp_base64_decode(s, len, buf);
        int rc = stix_value_set_binary(cv->obs, out, buf, n);
        free(buf);
        return rc;
    }
    if (ends_with(key, "_hex") && is_hex_text(s, len)) {
        uint8_t *buf = malloc(len / 2 + 1);
        if (!buf)
            return -ENOMEM;
        size_t n = sp_hex_decode(s, len, buf);
        int rc = stix_value_set_binary(cv->obs, out, buf, n);
        free(buf);
        return rc;
    }
    int rc = stix_value_set_string(cv->obs, out, s, len);
    if (rc == 0 && in_hashes && sp_hash_canonical(key, strlen(key), NULL)) {
        char *d = (char *)out->u.s.ptr; /* our arena copy */
        for (size_t k = 0; k < len; k++)
            if (d[k] >= 'A' && d[k] <= 'F')
                d[k] = (char)(d[k] - 'A' + 'a');
    }
    return rc;
}

static int convert(struct conv *cv, struct stix_value *out, const json_t *j, const char *key,
                   bool in_hashes, int depth)
{
    if (depth > MAX_JSON_DEPTH)
        return 0; /* left as null */
    switch (json_typeof(j)) {
    case JSON_STRING:
        return convert_string(cv, out, j, key, in_hashes);
    case JSON_INTEGER:
        stix_value_set_int(out, json_integer_value(j));
        return 0;
    case JSON_REAL:
        stix_value_set_float(out, json_real_value(j));
        return 0;
    case JSON_TRUE:
        stix_value_set_bool(out, true);
        return 0;
    case JSON_FALSE:
        stix_value_set_bool(out, false);
        return 0;
    case JSON_NULL:
        out->type = STIX_VALUE_NULL;
        return 0;
    case JSON_ARRAY: {
        stix_value_set_list(out);
        size_t i;
        const json_t *item;
        json_array_foreach(j, i, item)
        {
            struct stix_value *v = stix_value_add(cv->obs, out, NULL);
            if (!v)
                return -ENOMEM;
            int rc = convert(cv, v, item, key, false, depth + 1);
            if (rc)
                return rc;
        }
        return 0;
    }
    case JSON_OBJECT: {
        stix_value_set_dict(out);
        bool is_hashes = strcmp(key, "hashes") == 0;
        const char *k;
        const json_t *item;
        json_object_foreach((json_t *)j, k, item)
        {
            const char *name = k;
            if (is_hashes) {
                const char *canon = sp_hash_canonical(k, strlen(k), NULL);
                if (canon)
                    name = canon;
            }
            struct stix_value *v = stix_value_add(cv->obs, out, name);
            if (!v)
                return -ENOMEM;
            int rc = convert(cv, v, item, name, is_hashes, depth + 1);
            if (rc)
                return rc;
        }
        return 0;
    }
    }
    return 0;
}

static const json_t *find_by_id(const json_t *objects, const char *id)
{
    size_t i;
    const json_t *o;
    json_array_foreach(objects, i, o)
    {
        const char *oid = json_string_value(json_object_get(o, "id"));
        if (oid && strcmp(oid, id) == 0)
            return o;
    }
    return NULL;
}

int stix_observation_from_json(struct stix_observation *obs, const json_t *observed_data,
                               const json_t *objects)
{
    const char *type = json_string_value(json_object_get(observed_data, "type"));
    if (!json_is_object(observed_data) || !type || strcmp(type, "observed-data") != 0)
        return -EINVAL;
    const json_t *refs = json_object_get(observed_data, "object_refs");
    const json_t *embedded = json_object_get(observed_data, "objects");
    if (obs->count)
        return -EINVAL;
    bool is_v20 = !json_is_array(refs) || json_array_size(refs) == 0;
    if (is_v20 && !json_is_object(embedded))
        return 0;
    size_t n = is_v20 ? json_object_size(embedded) : json_array_size(refs);
    if (n > STIX_OBSERVATION_MAX_OBJECTS)
        return -E2BIG;
    struct conv cv = {obs, calloc(n ? n : 1, sizeof(char *)), 0};
    const json_t **src = calloc(n ? n : 1, sizeof *src);
    int rc = 0;
    if (!cv.ids || !src) {
        rc = -ENOMEM;
        goto out;
    }
    /* Pass 1: the objects and their ids, so references can resolve forwards. */
    if (is_v20) {
        const char *k;
        const json_t *o;
        json_object_foreach((json_t *)embedded, k, o)
        {
            src[cv.count] = o;
            cv.ids[cv.count++] = k;
        }
    } else {
        size_t i;
        const json_t *r;
        json_array_foreach(refs, i, r)
        {
            const char *id = json_string_value(r);
            const json_t *o = id && json_is_array(objects) ? find_by_id(objects, id) : NULL;
            if (!o)
                continue;
            src[cv.count] = o;
            cv.ids[cv.count++] = id;
        }
    }
    for (size_t k = 0; k < cv.count; k++) {
        const char *t = json_string_value(json_object_get(src[k], "type"));
        int idx = stix_observation_add_object(obs, t ? t : "");
        if (idx < 0) {
            rc = idx;
            goto out;
        }
    }
    for (size_t k = 0; k < cv.count; k++) {
        struct stix_value *props = stix_observation_props(obs, k);
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)src[k], key, v)
        {
            struct stix_value *slot = stix_value_add(obs, props, key);
            if (!slot) {
                rc = -ENOMEM;
                goto out;
            }
            rc = convert(&cv, slot, v, key, false, 1);
            if (rc)
                goto out;
        }
    }
out:
    free(cv.ids);
    free(src);
    return rc;
}
