/* misp_event.c — MISP events (MISP core format): one event, bare or wrapped
 * in {"Event": …}, or a list of them ({"response": […]} as the API answers a
 * search, or a JSON array). Read in two passes with the JSON splitter, so an
 * event's size does not matter: pass 1 keeps each event's metadata (uuid,
 * info, timestamp, Orgc, Tag, Galaxy — they may follow the attributes), pass
 * 2 reads attributes one at a time, at event level and inside Objects, and
 * delivers each importable one as a STIX indicator (misp_types.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intel/import/import_id.h"
#include "intel/import/import_internal.h"
#include "intel/import/import_time.h"
#include "intel/import/misp_tags.h"
#include "intel/import/misp_types.h"

struct misp_meta {
    bool is_seen;
    const char *uuid, *info, *orgc;
    int64_t timestamp_us;
    bool has_tlp, has_tags;
    enum intel_tlp tlp;
    enum intel_tlp_origin tlp_origin;
    struct intel_related *related; /* INTEL_IMPORT_RELATED_MAX, in the arena */
    size_t related_count;
    bool is_related_truncated;
};

struct misp_file {
    struct intel_import *im;
    int pass;
    struct import_arena arena; /* metadata, capped */
    struct misp_meta *events;
    size_t event_count;
    bool is_full_reported;
    struct strbuf pattern, norm;
};

/* Where a value sits: the event it belongs to and what it is. */
enum misp_role { ROLE_DESCEND, ROLE_MEMBER, ROLE_ITEM, ROLE_SKIP, ROLE_BAD };

struct misp_where {
    size_t event;
    const char *member; /* ROLE_MEMBER: the event member's key */
    char list;          /* ROLE_ITEM: 'A' (Attribute) or 'O' (Object) */
};

static bool is_container(uint8_t c)
{
    return c == '{' || c == '[';
}

/* Walks the levels: [list] or {"response": [list]}, then an optional
 * {"Event": …} wrapper, then the event object and its members. */
static enum misp_role locate(const struct json_split_value *v, struct misp_where *w)
{
    const struct json_split_level *L = v->levels;
    unsigned d = v->depth, i = 0;
    w->event = 0;
    if (d == 0)
        return v->first == '{' || v->first == '[' ? ROLE_DESCEND : ROLE_BAD;
    if (L[0].kind == '[') {
        w->event = L[0].index;
        if (d == 1)
            return v->first == '{' ? ROLE_DESCEND : ROLE_BAD;
        i = 1;
    } else if (!strcmp(L[0].key, "response")) {
        if (d == 1)
            return v->first == '[' ? ROLE_DESCEND : ROLE_BAD;
        w->event = L[1].index;
        if (d == 2)
            return v->first == '{' ? ROLE_DESCEND : ROLE_BAD;
        i = 2;
    }
    if (!strcmp(L[i].key, "Event")) {
        if (d == i + 1)
            return v->first == '{' ? ROLE_DESCEND : ROLE_BAD;
        i++;
    }
    if (d == i + 1) {
        w->member = L[i].key;
        bool is_list = !strcmp(w->member, "Attribute") || !strcmp(w->member, "Object");
        return is_list && v->first == '[' ? ROLE_DESCEND : ROLE_MEMBER;
    }
    if (d == i + 2) {
        w->list = L[i].key[0];
        return v->first == '{' ? ROLE_ITEM : ROLE_BAD;
    }
    return ROLE_SKIP;
}

static bool is_meta_member(const char *key)
{
    static const char *const keys[] = {"uuid", "info",     "timestamp", "Orgc",
                                       "Tag",  "EventTag", "Galaxy"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(key, keys[i]))
            return true;
    return false;
}

static enum json_split_action classify(void *ctx, const struct json_split_value *v)
{
    struct misp_file *f = ctx;
    struct misp_where w;
    switch (locate(v, &w)) {
    case ROLE_DESCEND:
        return JSON_SPLIT_DESCEND;
    case ROLE_MEMBER:
        return f->pass == 1 && is_meta_member(w.member) ? JSON_SPLIT_EMIT : JSON_SPLIT_SKIP;
    case ROLE_ITEM:
        return f->pass == 2 ? JSON_SPLIT_EMIT : JSON_SPLIT_SKIP;
    case ROLE_BAD:
        if (f->pass == 2)
            import_error(f->im, IC_ERR_NOT_OBJECT, v->offset, v->line, NULL,
                         "not a MISP event: a JSON %s where an event, an attribute or an "
                         "object was expected",
                         is_container(v->first) ? (v->first == '{' ? "object" : "array")
                                                : "scalar");
        return JSON_SPLIT_SKIP;
    case ROLE_SKIP:
        break;
    }
    return JSON_SPLIT_SKIP;
}

/* The metadata of event i, created when first seen; NULL when over the cap. */
static struct misp_meta *meta_at(struct misp_file *f, size_t i, bool create)
{
    if (i >= f->event_count) {
        if (!create || (i + 1) * sizeof(struct misp_meta) > INTEL_IMPORT_RESOLVE_MAX / 4)
            return NULL;
        size_t n = i + 1;
        struct misp_meta *ev = realloc(f->events, n * sizeof *ev);
        if (!ev)
            return NULL;
        memset(ev + f->event_count, 0, (n - f->event_count) * sizeof *ev);
        f->events = ev;
        f->event_count = n;
    }
    struct misp_meta *m = &f->events[i];
    if (create && !m->is_seen) {
        m->is_seen = true;
        m->timestamp_us = INTEL_TIME_NONE;
        f->im->counters[IC_MISP_EVENTS]++;
    }
    return m->is_seen ? m : NULL;
}

static int64_t epoch_of(const json_t *v)
{
    int64_t us;
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        return (int64_t)json_integer_value(v) * 1000000;
    if (import_time_parse_epoch(json_string_value(v), &us) == 0)
        return us;
    return INTEL_TIME_NONE;
}

/* One metadata member of an event (pass 1). */
static void keep_member(struct misp_file *f, struct misp_meta *m, const char *key, json_t *val)
{
    struct import_arena *a = &f->arena;
    bool is_tags = json_is_array(val) && (!strcmp(key, "Tag") || !strcmp(key, "EventTag"));
    bool is_galaxy = !strcmp(key, "Galaxy");
    if (!strcmp(key, "uuid"))
        m->uuid = import_arena_strdup(a, json_string_value(val));
    else if (!strcmp(key, "info"))
        m->info = import_arena_strdup(a, json_string_value(val));
    else if (!strcmp(key, "timestamp"))
        m->timestamp_us = epoch_of(val);
    else if (!strcmp(key, "Orgc"))
        m->orgc = import_arena_strdup(a, import_json_str(val, "name"));
    if (is_tags) {
        m->has_tags = true;
        m->has_tlp = misp_tags_tlp(f->im, val, &m->tlp, &m->tlp_origin);
    }
    if (!is_tags && !is_galaxy)
        return;
    if (!m->related)
        m->related = import_arena_alloc(a, INTEL_IMPORT_RELATED_MAX * sizeof *m->related);
    if (!m->related)
        return; /* over the cap: reported by the caller */
    struct misp_related r = {m->related, m->related_count, INTEL_IMPORT_RELATED_MAX, false};
    if (is_galaxy)
        misp_tags_related_galaxies(&r, a, val, "event galaxy");
    else
        misp_tags_related_tags(&r, a, val, "event galaxy");
    m->related_count = r.count;
    m->is_related_truncated |= r.is_truncated;
}

static int on_value_pass1(void *ctx, const struct json_split_value *v)
{
    struct misp_file *f = ctx;
    struct misp_where w;
    if (!v->text || locate(v, &w) != ROLE_MEMBER)
        return 0;
    json_t *val = import_json_parse(f->im, v);
    if (!val)
        return 0;
    struct misp_meta *m = meta_at(f, w.event, true);
    if (m)
        keep_member(f, m, w.member, val);
    if ((!m || f->arena.is_failed) && !f->is_full_reported) {
        f->is_full_reported = true;
        import_error(f->im, IC_ERR_RESOLVE_CAP, v->offset, v->line, NULL,
                     "event metadata reached %u MiB: later events lose their source, TLP "
                     "and galaxies",
                     INTEL_IMPORT_RESOLVE_MAX >> 20);
    }
    json_decref(val);
    return 0;
}

/* --- Pass 2: attributes -------------------------------------------------- */

/* Where an attribute sits. */
struct attr_ctx {
    const struct misp_meta *meta; /* its event's metadata, or NULL */
    const json_t *object;         /* the MISP object holding it, or NULL */
    const struct json_split_value *v;
};

/* MISP booleans: true/false, "1"/"0", 1/0 (older exports). */
static bool flag_of(const json_t *v)
{
    const char *s = json_string_value(v);
    if (s)
        return !strcmp(s, "1") || !strcmp(s, "true");
    return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
}

static enum import_counter skip_counter(enum misp_type_class c)
{
    static const enum import_counter by_class[] = {
        [MISP_CLASS_WEAK] = IC_MISP_SKIP_WEAK,       [MISP_CLASS_HOST] = IC_MISP_SKIP_HOST,
        [MISP_CLASS_HASH] = IC_MISP_SKIP_HASH,       [MISP_CLASS_RULE] = IC_MISP_SKIP_RULE,
        [MISP_CLASS_CONTENT] = IC_MISP_SKIP_CONTENT, [MISP_CLASS_TEXT] = IC_MISP_SKIP_TEXT,
        [MISP_CLASS_UNKNOWN] = IC_MISP_SKIP_UNKNOWN,
    };
    return c > MISP_CLASS_IMPORTED && c <= MISP_CLASS_UNKNOWN ? by_class[c] : IC_MISP_SKIP_UNKNOWN;
}

/* "indicator--<the attribute's uuid>", or a UUIDv5 of source, type and
 * normalised value when it has none. */
static int make_id(struct misp_file *f, const char *uuid, const char *source, const char *type,
                   char out[IMPORT_ID_STIX_MAX])
{
    char u[IMPORT_ID_UUID_LEN + 1];
    if (uuid && import_id_is_uuid(uuid, strlen(uuid))) {
        for (size_t i = 0; i <= IMPORT_ID_UUID_LEN; i++)
            u[i] = uuid[i] >= 'A' && uuid[i] <= 'F' ? (char)(uuid[i] - 'A' + 'a') : uuid[i];
    } else {
        struct strbuf name;
        strbuf_init(&name);
        strbuf_addf(&name, "%s\n%s\n%s", source, type, strbuf_cstr(&f->norm));
        int rc = name.is_failed ? -ENOMEM : import_id_uuid5(name.p, name.len, u);
        strbuf_fini(&name);
        if (rc)
            return rc;
        f->im->counters[IC_MISP_UUID_DERIVED]++;
    }
    snprintf(out, IMPORT_ID_STIX_MAX, "indicator--%s", u);
    return 0;
}

static void set_time(json_t *o, const char *key, int64_t us)
{
    char text[IMPORT_TIME_TEXT_MAX];
    import_time_format(us, text);
    json_object_set_new(o, key, json_string(text));
}

static void set_str(json_t *o, const char *key, const char *s)
{
    if (s)
        json_object_set_new(o, key, json_string(s));
}

/* The STIX indicator object the attribute became (object_json). */
static char *attribute_json(const struct intel_indicator *ind, const json_t *a,
                            const struct attr_ctx *c)
{
    json_t *o = json_object();
    set_str(o, "type", "indicator");
    set_str(o, "spec_version", "2.1");
    set_str(o, "id", ind->stix_id);
    set_time(o, "created", ind->created_us);
    set_time(o, "modified", ind->modified_us);
    set_str(o, "name", ind->name);
    set_str(o, "description", ind->description);
    if (ind->indicator_types)
        json_object_set_new(o, "indicator_types", json_pack("[s]", ind->indicator_types));
    set_str(o, "pattern", ind->pattern);
    set_str(o, "pattern_type", "stix");
    set_str(o, "pattern_version", "2.1");
    set_time(o, "valid_from", ind->valid_from_us);
    if (ind->is_revoked)
        json_object_set_new(o, "revoked", json_true());
    if (ind->confidence >= 0)
        json_object_set_new(o, "confidence", json_integer(ind->confidence));
    if (ind->tlp_origin != INTEL_TLP_NONE)
        json_object_set_new(o, "object_marking_refs",
                            json_pack("[s]", intel_tlp_marking_id(ind->tlp)));
    set_str(o, "x_misp_type", import_json_str(a, "type"));
    set_str(o, "x_misp_category", import_json_str(a, "category"));
    set_str(o, "x_misp_event_uuid", c->meta ? c->meta->uuid : NULL);
    set_str(o, "x_misp_object_name", c->object ? import_json_str(c->object, "name") : NULL);
    set_str(o, "x_misp_first_seen", import_json_str(a, "first_seen"));
    set_str(o, "x_misp_last_seen", import_json_str(a, "last_seen"));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

/* TLP: the attribute's tags, else the event's (or the feed manifest's). */
static void attribute_tlp(struct misp_file *f, const json_t *a, const struct attr_ctx *c,
                          struct intel_indicator *ind)
{
    struct intel_import *im = f->im;
    const json_t *feed_tags = json_object_get(im->feed_meta, "Tag");
    if (misp_tags_tlp(im, json_object_get(a, "Tag"), &ind->tlp, &ind->tlp_origin))
        return;
    if (c->meta && c->meta->has_tlp) {
        ind->tlp = c->meta->tlp;
        ind->tlp_origin = c->meta->tlp_origin;
        return;
    }
    if ((!c->meta || !c->meta->has_tags) &&
        misp_tags_tlp(im, feed_tags, &ind->tlp, &ind->tlp_origin))
        return;
    ind->tlp = im->opt.default_tlp;
    ind->tlp_origin = INTEL_TLP_NONE;
}

/* Related: the attribute's galaxies first, then the event's. */
static void attribute_related(struct misp_file *f, const json_t *a, const struct attr_ctx *c,
                              struct intel_indicator *ind)
{
    struct intel_import *im = f->im;
    struct misp_related r = {im->related, 0, INTEL_IMPORT_RELATED_MAX, false};
    misp_tags_related_galaxies(&r, &im->scratch, json_object_get(a, "Galaxy"), "attribute galaxy");
    misp_tags_related_tags(&r, &im->scratch, json_object_get(a, "Tag"), "attribute galaxy");
    for (size_t i = 0; c->meta && i < c->meta->related_count; i++) {
        const struct intel_related *e = &c->meta->related[i];
        bool is_dup = false;
        for (size_t k = 0; k < r.count && !is_dup; k++)
            is_dup = !strcmp(r.items[k].type, e->type) && !strcmp(r.items[k].name, e->name);
        if (is_dup)
            continue;
        if (r.count == r.max) {
            r.is_truncated = true;
            break;
        }
        r.items[r.count++] = *e;
    }
    if ((!c->meta || !c->meta->has_tags) && im->feed_meta)
        misp_tags_related_tags(&r, &im->scratch, json_object_get(im->feed_meta, "Tag"),
                               "event galaxy");
    ind->related = r.items;
    ind->related_count = r.count;
    im->counters[IC_RELATED_TRUNCATED] +=
        r.is_truncated || (c->meta && c->meta->is_related_truncated);
}

/* name, description, times, source. */
static void attribute_text(struct misp_file *f, const json_t *a, const struct attr_ctx *c,
                           const char *type, struct intel_indicator *ind)
{
    struct intel_import *im = f->im;
    const json_t *fm = im->feed_meta;
    ind->source = c->meta && c->meta->orgc ? c->meta->orgc
                                           : import_json_str(json_object_get(fm, "Orgc"), "name");
    if (!ind->source || !*ind->source)
        ind->source = import_default_source(im);
    ind->name = c->meta && c->meta->info ? c->meta->info : import_json_str(fm, "info");
    const char *comment = import_json_str(a, "comment");
    if (!comment || !*comment)
        comment = c->object ? import_json_str(c->object, "comment") : NULL;
    const char *value = import_json_str(a, "value");
    const char *bar = strrchr(value, '|');
    if (!strncmp(type, "filename|", 9) && bar) {
        strbuf_reset(&im->text);
        strbuf_addf(&im->text, "%s%sfile name: %.*s", comment && *comment ? comment : "",
                    comment && *comment ? "; " : "", (int)(bar - value), value);
        comment = import_arena_strdup(&im->scratch, strbuf_cstr(&im->text));
    }
    ind->description = comment && *comment ? comment : NULL;
    int64_t ts = epoch_of(json_object_get(a, "timestamp"));
    if (ts == INTEL_TIME_NONE)
        ts = c->meta ? c->meta->timestamp_us : INTEL_TIME_NONE;
    if (ts == INTEL_TIME_NONE)
        ts = epoch_of(json_object_get(fm, "timestamp"));
    if (ts == INTEL_TIME_NONE)
        ts = im->opt.now_us;
    ind->created_us = ind->modified_us = ts;
    if (import_time_parse_iso(import_json_str(a, "first_seen"), &ind->valid_from_us) != 0)
        ind->valid_from_us = ts;
    ind->valid_until_us = INTEL_TIME_NONE; /* last_seen is a sighting, not an expiry */
}

static int attribute_deliver(struct misp_file *f, const json_t *a, const struct attr_ctx *c,
                             const char *type, bool to_ids)
{
    struct intel_import *im = f->im;
    struct intel_indicator ind;
    memset(&ind, 0, sizeof ind);
    char id[IMPORT_ID_STIX_MAX];
    attribute_text(f, a, c, type, &ind);
    if (make_id(f, import_json_str(a, "uuid"), ind.source, type, id) != 0) {
        import_error(im, IC_ERR_NOMEM, c->v->offset, c->v->line, NULL, "cannot make an id");
        return 0;
    }
    ind.stix_id = id;
    ind.pattern = strbuf_cstr(&f->pattern);
    ind.pattern_type = "stix";
    ind.is_revoked = flag_of(json_object_get(a, "deleted")) ||
                     (c->object && flag_of(json_object_get(c->object, "deleted")));
    ind.confidence = im->opt.default_confidence;
    ind.indicator_types = to_ids ? "malicious-activity" : NULL;
    attribute_tlp(f, a, c, &ind);
    attribute_related(f, a, c, &ind);
    char *json = attribute_json(&ind, a, c);
    if (!json || im->scratch.is_failed || im->text.is_failed) {
        free(json);
        import_error(im, IC_ERR_NOMEM, c->v->offset, c->v->line, id, "out of memory");
        return 0;
    }
    ind.object_json = json;
    int rc = import_deliver(im, &ind);
    free(json);
    return rc;
}

static int attribute(struct misp_file *f, const json_t *a, const struct attr_ctx *c)
{
    struct intel_import *im = f->im;
    const struct json_split_value *v = c->v;
    im->counters[IC_OBJECTS]++;
    im->counters[IC_MISP_ATTRIBUTES]++;
    const char *uuid = import_json_str(a, "uuid");
    const char *type = import_json_str(a, "type");
    const char *value = import_json_str(a, "value");
    if (!type || !value) {
        import_error(im, IC_ERR_MISSING, v->offset, v->line, uuid,
                     "MISP attribute: missing or non-string 'type' or 'value'");
        return 0;
    }
    misp_feed_check_attribute(im, type, value, c->meta ? c->meta->uuid : NULL);
    bool to_ids = flag_of(json_object_get(a, "to_ids"));
    if (im->opt.misp_to_ids_only && !to_ids) {
        im->counters[IC_MISP_NOT_TO_IDS]++;
        return 0;
    }
    const struct misp_type *t = misp_type_find(type);
    enum misp_type_class cls = misp_type_class(t);
    if (cls == MISP_CLASS_IMPORTED && !to_ids && !strcmp(type, "link"))
        cls = MISP_CLASS_TEXT; /* a link not for IDS is a reference to a report */
    if (cls != MISP_CLASS_IMPORTED) {
        im->counters[skip_counter(cls)]++;
        return 0;
    }
    const char *why;
    if (misp_type_pattern(t, value, &f->pattern, &f->norm, &why) != 0) {
        import_error(im, IC_ERR_BAD_VALUE, v->offset, v->line, uuid,
                     "MISP attribute of type %s: '%.80s': %s", type, value, why);
        return 0;
    }
    struct stix_pattern_error err;
    if (import_pattern_check(im, strbuf_cstr(&f->pattern), &err) != 0) {
        import_error(im, IC_ERR_BAD_PATTERN, v->offset, v->line, uuid,
                     "MISP attribute of type %s: pattern: offset %zu: %s", type, err.offset,
                     err.message);
        return 0;
    }
    return attribute_deliver(f, a, c, type, to_ids);
}

static int on_value_pass2(void *ctx, const struct json_split_value *v)
{
    struct misp_file *f = ctx;
    struct intel_import *im = f->im;
    struct misp_where w;
    if (locate(v, &w) != ROLE_ITEM)
        return 0;
    if (!v->text) {
        im->counters[IC_OBJECTS]++;
        import_error(im, IC_ERR_TOO_LARGE, v->offset, v->line, NULL,
                     "MISP %s of %zu bytes is larger than the %u-byte limit: skipped",
                     w.list == 'A' ? "attribute" : "object", v->len, INTEL_IMPORT_OBJECT_MAX);
        return 0;
    }
    json_t *item = import_json_parse(im, v);
    if (!item) {
        im->counters[IC_OBJECTS]++;
        return 0;
    }
    struct attr_ctx c = {meta_at(f, w.event, false), NULL, v};
    int rc = 0;
    if (w.list == 'A') {
        rc = attribute(f, item, &c);
    } else {
        c.object = item;
        size_t i;
        json_t *a;
        json_array_foreach(json_object_get(item, "Attribute"), i, a)
        {
            if (json_is_object(a) && (rc = attribute(f, a, &c)) < 0)
                break;
        }
    }
    json_decref(item);
    return rc;
}

int misp_event_import(struct intel_import *im, const struct import_source *src)
{
    struct misp_file f;
    memset(&f, 0, sizeof f);
    f.im = im;
    import_arena_init(&f.arena, INTEL_IMPORT_RESOLVE_MAX);
    strbuf_init(&f.pattern);
    strbuf_init(&f.norm);
    struct json_split_callbacks cb = {classify, on_value_pass1};
    f.pass = 1;
    int rc = import_split_source(im, src, &cb, &f, false);
    if (rc == 0) {
        f.pass = 2;
        cb.on_value = on_value_pass2;
        rc = import_split_source(im, src, &cb, &f, true);
    }
    import_counter_max(im, IC_MEM_PEAK_RESOLVE,
                       f.arena.peak_bytes + f.event_count * sizeof(struct misp_meta));
    import_arena_fini(&f.arena);
    strbuf_fini(&f.pattern);
    strbuf_fini(&f.norm);
    free(f.events);
    return rc;
}
