/* stix_bundle.c — STIX 2.1 bundles (section 8), arrays of STIX objects and
 * single objects, read in two passes over the file with the JSON splitter.
 *
 * Pass 1 keeps the small objects that resolve relationships (stix_related.h);
 * pass 2 checks every indicator (section 4.7: required properties, strict
 * timestamps, the pattern parsed) and delivers it with its provenance, TLP
 * and related objects. Each object is read alone (json_doc.h, with jansson
 * judging whatever that fast reader refuses), so a bad one costs one error
 * and never the objects around it. Other object types are
 * counted and skipped; this file does not interpret observed-data or
 * sightings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intel/import/import_id.h"
#include "intel/import/import_internal.h"
#include "intel/import/import_time.h"
#include "intel/import/stix_related.h"

struct bundle {
    struct intel_import *im;
    struct stix_related *rel;
    int pass;
    bool is_root_object; /* the text is one JSON object (a bundle or a bare object) */
    bool has_objects;    /* that object has an "objects" member: a bundle */
    bool is_bare;        /* pass 2: the root object is itself the STIX object */
    bool is_full_reported;
};

static enum json_split_action classify(void *ctx, const struct json_split_value *v)
{
    struct bundle *b = ctx;
    struct intel_import *im = b->im;
    if (v->depth == 0) {
        b->is_root_object = v->first == '{';
        if (v->first == '{')
            return b->is_bare ? JSON_SPLIT_EMIT : JSON_SPLIT_DESCEND;
        if (v->first == '[')
            return JSON_SPLIT_DESCEND;
        if (b->pass == 2)
            import_error(im, IC_ERR_NOT_OBJECT, v->offset, v->line, NULL,
                         "not STIX: the JSON text is neither an object nor an array");
        return JSON_SPLIT_SKIP;
    }
    const struct json_split_level *parent = &v->levels[v->depth - 1];
    if (parent->kind == '{') {
        if (strcmp(parent->key, "objects") != 0)
            return JSON_SPLIT_SKIP;
        b->has_objects = true;
        if (v->first == '[')
            return JSON_SPLIT_DESCEND;
        if (b->pass == 2)
            import_error(im, IC_ERR_BAD_PROPERTY, v->offset, v->line, NULL,
                         "bundle: 'objects' is not an array");
        return JSON_SPLIT_SKIP;
    }
    if (v->first == '{')
        return JSON_SPLIT_EMIT;
    if (b->pass == 2) {
        im->counters[IC_OBJECTS]++;
        import_error(im, IC_ERR_NOT_OBJECT, v->offset, v->line, NULL,
                     "objects[%llu] is not a JSON object", (unsigned long long)parent->index);
    }
    return JSON_SPLIT_SKIP;
}

/* TLP from object_marking_refs (docs/intel.md, "TLP"): known ids by value,
 * the most restrictive wins, any unknown id makes it RED. */
static void stix_tlp(struct intel_import *im, const struct json_doc_node *obj, enum intel_tlp *tlp,
                     enum intel_tlp_origin *origin)
{
    const struct json_doc *d = &im->doc;
    const struct json_doc_node *refs = json_doc_get(d, obj, "object_marking_refs");
    bool is_known = false, is_unknown = false;
    enum intel_tlp max = INTEL_TLP_CLEAR;
    for (const struct json_doc_node *v = json_doc_is(refs, JSON_DOC_ARRAY) ? json_doc_first(d, refs)
                                                                           : NULL;
         v; v = json_doc_next(d, v)) {
        enum intel_tlp t;
        if (intel_tlp_from_marking_id(json_doc_str(d, v), &t) == 0) {
            is_known = true;
            max = t > max ? t : max;
        } else {
            is_unknown = true;
            im->counters[IC_TLP_UNKNOWN_ID]++;
        }
    }
    *tlp = is_unknown ? INTEL_TLP_RED : is_known ? max : im->opt.default_tlp;
    *origin = is_unknown ? INTEL_TLP_UNKNOWN_ID
              : is_known ? INTEL_TLP_FROM_MARKING
                         : INTEL_TLP_NONE;
}

static int on_value_pass1(void *ctx, const struct json_split_value *v)
{
    struct bundle *b = ctx;
    if (!v->text || !stix_related_wants(v->type))
        return 0; /* pass 2 reports and counts */
    if (import_doc_parse(b->im, v) != 0)
        return 0;
    const struct json_doc *d = &b->im->doc;
    const struct json_doc_node *obj = json_doc_root(d);
    enum intel_tlp tlp;
    enum intel_tlp_origin origin;
    stix_tlp(b->im, obj, &tlp, &origin);
    int rc = stix_related_add(b->rel, d, obj);
    const char *id = json_doc_get_str(d, obj, "id");
    if (rc == -EINVAL) {
        import_error(b->im, IC_ERR_MISSING, v->offset, v->line, id,
                     "%s: missing or malformed 'id'%s", v->type,
                     strcmp(v->type, "relationship") ? ""
                                                     : ", 'relationship_type', 'source_ref' or "
                                                       "'target_ref'");
    } else if (rc == -ENOSPC && !b->is_full_reported) {
        b->is_full_reported = true;
        import_error(b->im, IC_ERR_RESOLVE_CAP, v->offset, v->line, id,
                     "relationship tables reached %u MiB: objects from here on are not used to "
                     "resolve related objects (split the bundle)",
                     INTEL_IMPORT_RESOLVE_MAX >> 20);
    }
    return 0;
}

/* Joins an array of strings with ','; NULL when absent or empty. */
static const char *join_strings(struct intel_import *im, const struct json_doc_node *list,
                                bool *is_bad)
{
    const struct json_doc *d = &im->doc;
    if (!list)
        return NULL;
    if (!json_doc_is(list, JSON_DOC_ARRAY)) {
        *is_bad = true;
        return NULL;
    }
    strbuf_reset(&im->text);
    for (const struct json_doc_node *v = json_doc_first(d, list); v; v = json_doc_next(d, v)) {
        if (!json_doc_is(v, JSON_DOC_STRING)) {
            *is_bad = true;
            return NULL;
        }
        if (v != json_doc_first(d, list))
            strbuf_addc(&im->text, ',');
        strbuf_add(&im->text, json_doc_str(d, v), v->v.str.len);
    }
    return im->text.len && !im->text.is_failed
               ? import_arena_strndup(&im->scratch, im->text.p, im->text.len)
               : NULL;
}

/* "kill_chain_name:phase_name,…" (section 4.7, kill-chain-phase type). */
static const char *join_phases(struct intel_import *im, const struct json_doc_node *list,
                               bool *is_bad)
{
    const struct json_doc *d = &im->doc;
    if (!list)
        return NULL;
    if (!json_doc_is(list, JSON_DOC_ARRAY)) {
        *is_bad = true;
        return NULL;
    }
    strbuf_reset(&im->text);
    for (const struct json_doc_node *v = json_doc_first(d, list); v; v = json_doc_next(d, v)) {
        const char *chain = json_doc_get_str(d, v, "kill_chain_name");
        const char *phase = json_doc_get_str(d, v, "phase_name");
        if (!chain || !phase) {
            *is_bad = true;
            return NULL;
        }
        if (v != json_doc_first(d, list))
            strbuf_addc(&im->text, ',');
        strbuf_adds(&im->text, chain);
        strbuf_addc(&im->text, ':');
        strbuf_adds(&im->text, phase);
    }
    return im->text.len && !im->text.is_failed
               ? import_arena_strndup(&im->scratch, im->text.p, im->text.len)
               : NULL;
}

/* A required (or optional) timestamp member. 0, or an error was reported. */
static int get_time(struct bundle *b, const struct json_doc_node *obj,
                    const struct json_split_value *v, const char *id, const char *key,
                    bool is_required, int64_t *out)
{
    const struct json_doc *d = &b->im->doc;
    const struct json_doc_node *m = json_doc_get(d, obj, key);
    *out = INTEL_TIME_NONE;
    if (!m && !is_required)
        return 0;
    if (!m) {
        import_error(b->im, IC_ERR_MISSING, v->offset, v->line, id,
                     "indicator: missing property '%s'", key);
        return -EINVAL;
    }
    if (import_time_parse_stix(json_doc_str(d, m), out) != 0) {
        import_error(b->im, IC_ERR_BAD_TIMESTAMP, v->offset, v->line, id,
                     "indicator: '%s' is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z, UTC): "
                     "'%.60s'",
                     key, json_doc_is(m, JSON_DOC_STRING) ? json_doc_str(d, m) : "(not a string)");
        return -EINVAL;
    }
    return 0;
}

static int check_times(struct bundle *b, const struct json_doc_node *obj,
                       const struct json_split_value *v, struct intel_indicator *ind)
{
    const char *id = ind->stix_id;
    if (get_time(b, obj, v, id, "created", true, &ind->created_us) ||
        get_time(b, obj, v, id, "modified", true, &ind->modified_us) ||
        get_time(b, obj, v, id, "valid_from", true, &ind->valid_from_us) ||
        get_time(b, obj, v, id, "valid_until", false, &ind->valid_until_us))
        return -EINVAL;
    const char *what = NULL;
    if (ind->modified_us < ind->created_us)
        what = "'modified' is earlier than 'created'";
    else if (ind->valid_until_us != INTEL_TIME_NONE && ind->valid_until_us <= ind->valid_from_us)
        what = "'valid_until' is not later than 'valid_from'";
    if (what) {
        import_error(b->im, IC_ERR_BAD_TIMESTAMP, v->offset, v->line, id, "indicator: %s", what);
        return -EINVAL;
    }
    return 0;
}

/* id, pattern and pattern_type. */
static int check_core(struct bundle *b, const struct json_doc_node *obj,
                      const struct json_split_value *v, struct intel_indicator *ind)
{
    struct intel_import *im = b->im;
    const struct json_doc *d = &im->doc;
    const char *id = json_doc_get_str(d, obj, "id");
    if (!import_id_is_stix(id, "indicator")) {
        import_error(im, id ? IC_ERR_BAD_PROPERTY : IC_ERR_MISSING, v->offset, v->line, id,
                     id ? "indicator: 'id' is not \"indicator--<UUID>\": '%.80s'"
                        : "indicator: missing property 'id'%s",
                     id ? id : "");
        return -EINVAL;
    }
    ind->stix_id = id;
    ind->pattern = json_doc_get_str(d, obj, "pattern");
    ind->pattern_type = json_doc_get_str(d, obj, "pattern_type");
    bool is_v20 = !json_doc_get(d, obj, "spec_version");
    if (!ind->pattern_type && is_v20 && !json_doc_get(d, obj, "pattern_type")) {
        ind->pattern_type = "stix"; /* STIX 2.0 had only STIX patterns */
        im->counters[IC_STIX20]++;
    }
    const char *missing = !ind->pattern ? "pattern" : !ind->pattern_type ? "pattern_type" : NULL;
    if (missing) {
        bool is_present = json_doc_get(d, obj, missing) != NULL;
        import_error(im, is_present ? IC_ERR_BAD_PROPERTY : IC_ERR_MISSING, v->offset, v->line, id,
                     "indicator: %s property '%s'", is_present ? "non-string" : "missing", missing);
        return -EINVAL;
    }
    return 0;
}

/* Optional properties: their types are checked, not their vocabularies. */
static int check_optional(struct bundle *b, const struct json_doc_node *obj,
                          const struct json_split_value *v, struct intel_indicator *ind)
{
    struct intel_import *im = b->im;
    const struct json_doc *d = &im->doc;
    const char *bad = NULL;
    const struct json_doc_node *m;
    ind->confidence = -1;
    if ((m = json_doc_get(d, obj, "confidence"))) {
        int64_t c = json_doc_int(m);
        if (!json_doc_is(m, JSON_DOC_INTEGER) || c < 0 || c > 100)
            bad = "'confidence' is not an integer 0-100";
        ind->confidence = (int)c;
    }
    m = json_doc_get(d, obj, "revoked");
    if (m && !json_doc_is(m, JSON_DOC_TRUE) && !json_doc_is(m, JSON_DOC_FALSE))
        bad = "'revoked' is not a boolean";
    ind->is_revoked = json_doc_is(m, JSON_DOC_TRUE);
    static const char *const text_keys[] = {"name", "description", "created_by_ref"};
    for (size_t k = 0; k < 3; k++)
        if ((m = json_doc_get(d, obj, text_keys[k])) && !json_doc_is(m, JSON_DOC_STRING))
            bad = "'name', 'description' or 'created_by_ref' is not a string";
    ind->name = json_doc_get_str(d, obj, "name");
    ind->description = json_doc_get_str(d, obj, "description");
    bool is_bad_list = false;
    ind->indicator_types = join_strings(im, json_doc_get(d, obj, "indicator_types"), &is_bad_list);
    if ((m = json_doc_get(d, obj, "object_marking_refs")) && !json_doc_is(m, JSON_DOC_ARRAY))
        is_bad_list = true;
    if (is_bad_list)
        bad = "'indicator_types' or 'object_marking_refs' is not a list of strings";
    ind->kill_chain_phases =
        join_phases(im, json_doc_get(d, obj, "kill_chain_phases"), &is_bad_list);
    if (is_bad_list && !bad)
        bad = "'kill_chain_phases' is not a list of kill-chain phases";
    if (bad) {
        import_error(im, IC_ERR_BAD_PROPERTY, v->offset, v->line, ind->stix_id, "indicator: %s",
                     bad);
        return -EINVAL;
    }
    return 0;
}

static int check_pattern(struct bundle *b, const struct json_split_value *v,
                         const struct intel_indicator *ind)
{
    if (strcmp(ind->pattern_type, "stix") != 0) {
        b->im->counters[IC_INDICATORS_NOT_STIX]++;
        return 0;
    }
    struct stix_pattern_error err;
    if (import_pattern_check(b->im, ind->pattern, &err) == 0)
        return 0;
    import_error(b->im, IC_ERR_BAD_PATTERN, v->offset, v->line, ind->stix_id,
                 "pattern: offset %zu: %s", err.offset, err.message);
    return -EINVAL;
}

static int deliver_indicator(struct bundle *b, const struct json_doc_node *obj,
                             const struct json_split_value *v)
{
    struct intel_import *im = b->im;
    struct intel_indicator ind;
    memset(&ind, 0, sizeof ind);
    if (check_core(b, obj, v, &ind) || check_times(b, obj, v, &ind) ||
        check_optional(b, obj, v, &ind) || check_pattern(b, v, &ind))
        return 0;
    stix_tlp(im, obj, &ind.tlp, &ind.tlp_origin);
    ind.source =
        stix_related_identity_name(b->rel, json_doc_get_str(&im->doc, obj, "created_by_ref"));
    if (!ind.source)
        ind.source = import_default_source(im);
    struct stix_related_result rr = stix_related_resolve(b->rel, ind.stix_id, im->related,
                                                         INTEL_IMPORT_RELATED_MAX, &im->scratch);
    ind.related = im->related;
    ind.related_count = rr.count;
    im->counters[IC_RELATED_DANGLING] += rr.dangling;
    im->counters[IC_RELATED_TRUNCATED] += rr.is_truncated;
    if (im->scratch.is_failed || im->text.is_failed) {
        import_error(im, IC_ERR_NOMEM, v->offset, v->line, ind.stix_id, "out of memory");
        return 0;
    }
    ind.object_json = im->doc_json; /* compact, as json_dumps writes it */
    return import_deliver(im, &ind);
}

static int on_value_pass2(void *ctx, const struct json_split_value *v)
{
    struct bundle *b = ctx;
    struct intel_import *im = b->im;
    im->counters[IC_OBJECTS]++;
    if (!v->text) {
        import_error(im, IC_ERR_TOO_LARGE, v->offset, v->line, NULL,
                     "object of %zu bytes%s%s%s is larger than the %u-byte limit: skipped", v->len,
                     v->type[0] ? " (type '" : "", v->type, v->type[0] ? "')" : "",
                     INTEL_IMPORT_OBJECT_MAX);
        return 0;
    }
    if (!b->is_bare && stix_related_wants(v->type)) {
        im->counters[IC_SKIPPED_NON_INDICATOR]++; /* read in pass 1 */
        return 0;
    }
    if (import_doc_parse(im, v) != 0)
        return 0;
    const struct json_doc_node *obj = json_doc_root(&im->doc);
    const char *type = json_doc_get_str(&im->doc, obj, "type");
    int rc = 0;
    if (!type) {
        import_error(im, IC_ERR_MISSING, v->offset, v->line, json_doc_get_str(&im->doc, obj, "id"),
                     "object: missing property 'type'");
    } else if (strcmp(type, "indicator") == 0) {
        rc = deliver_indicator(b, obj, v);
    } else {
        enum intel_tlp tlp;
        enum intel_tlp_origin origin;
        stix_tlp(im, obj, &tlp, &origin);
        im->counters[IC_SKIPPED_NON_INDICATOR]++;
    }
    return rc;
}

int stix_bundle_import(struct intel_import *im, const struct import_source *src)
{
    struct bundle b;
    memset(&b, 0, sizeof b);
    b.im = im;
    b.rel = stix_related_new(INTEL_IMPORT_RESOLVE_MAX);
    if (!b.rel) {
        import_error(im, IC_ERR_NOMEM, 0, 0, NULL, "out of memory");
        return -ENOMEM;
    }
    struct json_split_callbacks cb = {classify, on_value_pass1};
    b.pass = 1;
    int rc = import_split_source(im, src, &cb, &b, false);
    if (rc == 0) {
        b.pass = 2;
        b.is_bare = b.is_root_object && !b.has_objects;
        cb.on_value = on_value_pass2;
        rc = import_split_source(im, src, &cb, &b, true);
    }
    import_counter_max(im, IC_MEM_PEAK_RESOLVE, stix_related_peak_bytes(b.rel));
    stix_related_free(b.rel);
    return rc;
}
