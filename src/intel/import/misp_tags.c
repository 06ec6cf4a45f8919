/* misp_tags.c — TLP and related objects from MISP tags and galaxy clusters
 * (misp_tags.h). Galaxy types are mapped to STIX object types; ATT&CK ids
 * come from the cluster's meta.external_id or from a value written
 * "Name - G0128", the MISP convention for the mitre-* galaxies.
 */
#include "intel/import/misp_tags.h"

#include <errno.h>
#include <string.h>

#include "intel/import/import_internal.h"

static const char *tag_name(const json_t *tag)
{
    const char *name = import_json_str(tag, "name");
    if (!name) /* EventTag / AttributeTag form */
        name = import_json_str(json_object_get(tag, "Tag"), "name");
    return name;
}

bool misp_tags_tlp(struct intel_import *im, const json_t *tags, enum intel_tlp *tlp,
                   enum intel_tlp_origin *origin)
{
    bool is_known = false, is_unknown = false;
    enum intel_tlp max = INTEL_TLP_CLEAR;
    size_t i;
    json_t *tag;
    json_array_foreach(tags, i, tag)
    {
        enum intel_tlp t;
        int rc = intel_tlp_from_tag(tag_name(tag), &t);
        if (rc == 0) {
            is_known = true;
            max = t > max ? t : max;
        } else if (rc == -EINVAL) {
            is_unknown = true;
            im->counters[IC_TLP_UNKNOWN_TAG]++;
        }
    }
    if (!is_known && !is_unknown)
        return false;
    *tlp = is_unknown ? INTEL_TLP_RED : max;
    *origin = is_unknown ? INTEL_TLP_UNKNOWN_ID : INTEL_TLP_FROM_TAG;
    return true;
}

/* STIX type for a galaxy type, or NULL when an alert has no use for it. */
static const char *stix_type(const char *galaxy, bool *is_mitre)
{
    static const struct {
        const char *suffix, *type;
    } map[] = {
        {"intrusion-set", "intrusion-set"},
        {"attack-pattern", "attack-pattern"},
        {"malware", "malware"},
        {"tool", "tool"},
        {"threat-actor", "threat-actor"},
        {"campaign", "campaign"},
    };
    static const char *const malware_like[] = {"malpedia", "ransomware", "botnet",   "rat",
                                               "banker",   "stealer",    "backdoor", "android"};
    *is_mitre = galaxy && strncmp(galaxy, "mitre-", 6) == 0;
    if (!galaxy)
        return NULL;
    size_t glen = strlen(galaxy);
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t slen = strlen(map[i].suffix);
        /* "tool", "mitre-tool", "mitre-enterprise-attack-tool", ... */
        if (glen >= slen && !strcmp(galaxy + glen - slen, map[i].suffix) &&
            (glen == slen || galaxy[glen - slen - 1] == '-'))
            return map[i].type;
    }
    for (size_t i = 0; i < sizeof malware_like / sizeof malware_like[0]; i++)
        if (!strcmp(galaxy, malware_like[i]))
            return "malware";
    if (!strcmp(galaxy, "exploit-kit"))
        return "tool";
    return NULL;
}

/* Splits "APT31 - G0128" into name and ATT&CK id; false when the value has
 * no such suffix. */
static bool split_attack_id(const char *value, size_t *name_len, const char **ext)
{
    const char *dash = strstr(value, " - ");
    for (const char *d = dash; d; d = strstr(d + 1, " - "))
        dash = d; /* the last " - " */
    if (!dash)
        return false;
    const char *id = dash + 3;
    size_t n = strlen(id);
    bool ok = (n == 5 || (n == 9 && id[5] == '.')) && id[0] >= 'A' && id[0] <= 'Z';
    for (size_t i = 1; ok && i < n; i++)
        ok = i == 5 ? id[i] == '.' : id[i] >= '0' && id[i] <= '9';
    if (!ok)
        return false;
    *name_len = (size_t)(dash - value);
    *ext = id;
    return true;
}

static struct intel_related *find_listed(const struct misp_related *r, const char *type,
                                         const char *name)
{
    for (size_t i = 0; i < r->count; i++)
        if (!strcmp(r->items[i].type, type) && r->items[i].name && !strcmp(r->items[i].name, name))
            return &r->items[i];
    return NULL;
}

/* Adds one entry; name_len bytes of value are the name. An entry listed
 * already (from a galaxy tag) is returned for a cluster to complete. */
static struct intel_related *add(struct misp_related *r, struct import_arena *a, const char *type,
                                 const char *value, size_t name_len, const char *ext,
                                 const char *relationship)
{
    const char *name = import_arena_strndup(a, value, name_len);
    if (!name)
        return NULL;
    struct intel_related *e = find_listed(r, type, name);
    if (e) {
        if (!e->external_id)
            e->external_id = import_arena_strdup(a, ext);
        return e;
    }
    if (r->count == r->max) {
        r->is_truncated = true;
        return NULL;
    }
    e = &r->items[r->count++];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->name = name;
    e->external_id = import_arena_strdup(a, ext);
    e->relationship = relationship;
    return e;
}

static const char *join_synonyms(struct import_arena *a, const json_t *list, const char *name)
{
    struct strbuf b;
    strbuf_init(&b);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || !*s || !strcmp(s, name))
            continue;
        strbuf_addf(&b, "%s%s", b.len ? ", " : "", s);
    }
    const char *out = b.len && !b.is_failed ? import_arena_strndup(a, b.p, b.len) : NULL;
    strbuf_fini(&b);
    return out;
}

/* The ATT&CK object's uuid: meta.uuid in older exports (where the cluster's
 * own uuid field repeats the galaxy's), else the cluster's uuid. */
static const char *cluster_uuid(const json_t *cluster, const json_t *galaxy)
{
    const json_t *meta = json_object_get(cluster, "meta");
    const char *uuid = json_string_value(json_array_get(json_object_get(meta, "uuid"), 0));
    if (!uuid)
        uuid = import_json_str(cluster, "uuid");
    const char *guuid = import_json_str(galaxy, "uuid");
    if (!uuid || strlen(uuid) != 36 || (guuid && !strcmp(uuid, guuid)))
        return NULL;
    return uuid;
}

static void add_cluster(struct misp_related *r, struct import_arena *a, const json_t *cluster,
                        const json_t *galaxy, const char *relationship)
{
    const char *galaxy_type = import_json_str(galaxy, "type");
    const char *gtype = import_json_str(cluster, "type");
    bool is_mitre;
    const char *type = stix_type(gtype ? gtype : galaxy_type, &is_mitre);
    const char *value = import_json_str(cluster, "value");
    if (!type || !value || !*value)
        return;
    const json_t *meta = json_object_get(cluster, "meta");
    size_t name_len = strlen(value);
    const char *ext = json_string_value(json_array_get(json_object_get(meta, "external_id"), 0));
    const char *split_ext;
    if (split_attack_id(value, &name_len, &split_ext) && !ext)
        ext = split_ext;
    struct intel_related *e = add(r, a, type, value, name_len, ext, relationship);
    if (!e)
        return;
    if (!e->aliases)
        e->aliases = join_synonyms(a, json_object_get(meta, "synonyms"), e->name);
    const char *uuid = cluster_uuid(cluster, galaxy);
    if (is_mitre && uuid && !e->stix_id) {
        char id[128];
        snprintf(id, sizeof id, "%s--%s", type, uuid);
        e->stix_id = import_arena_strdup(a, id);
    }
}

void misp_tags_related_galaxies(struct misp_related *r, struct import_arena *a,
                                const json_t *galaxies, const char *relationship)
{
    size_t i, k;
    json_t *g, *c;
    json_array_foreach(galaxies, i, g)
    {
        json_array_foreach(json_object_get(g, "GalaxyCluster"), k, c)
            add_cluster(r, a, c, g, relationship);
    }
}

void misp_tags_related_tags(struct misp_related *r, struct import_arena *a, const json_t *tags,
                            const char *relationship)
{
    size_t i;
    json_t *tag;
    json_array_foreach(tags, i, tag)
    {
        /* misp-galaxy:<galaxy>="<value>" */
        const char *name = tag_name(tag);
        if (!name || strncmp(name, "misp-galaxy:", 12) != 0)
            continue;
        const char *eq = strchr(name + 12, '=');
        if (!eq || eq[1] != '"' || strlen(eq + 2) < 2 || name[strlen(name) - 1] != '"')
            continue;
        char galaxy[96];
        snprintf(galaxy, sizeof galaxy, "%.*s", (int)(eq - name - 12), name + 12);
        bool is_mitre;
        const char *type = stix_type(galaxy, &is_mitre);
        char *value = import_arena_strndup(a, eq + 2, strlen(eq + 2) - 1);
        if (!type || !value)
            continue;
        size_t name_len = strlen(value);
        const char *ext = NULL;
        split_attack_id(value, &name_len, &ext);
        add(r, a, type, value, name_len, ext, relationship);
    }
}
