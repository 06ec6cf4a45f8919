/* test_stix_pattern_conformance.c — runs the STIX pattern conformance data:
 * shared/intel/stix-patterns/{syntax,match,network-sensor-subset}.jsonl and
 * our own sensor_vectors.jsonl (spec-derived, one spec section each).
 *
 * Every syntax vector must get its accept/reject bit right. A match vector is
 * in scope unless out_of_scope.tsv lists its source with a reason; in-scope
 * vectors must be right, a vector the evaluator cannot decide must be listed,
 * and a listed source must exist. Prints a score line per file (docs/intel.md).
 * Usage: test_stix_pattern_conformance SHARED_DIR TEST_SOURCE_DIR
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/pattern/stix_observation.h"
#include "intel/pattern/stix_observation_json.h"
#include "intel/pattern/stix_pattern.h"

#include <cmocka.h>

static const char *shared_dir = "../shared";
static const char *source_dir = ".";

/* --- out_of_scope.tsv --------------------------------------------------- */

struct scope_entry {
    char *source;
    char *reason;
    bool is_seen;
};
static struct scope_entry *scope;
static size_t scope_count;

static void load_scope(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/out_of_scope.tsv", source_dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        assert_non_null(tab); /* every entry needs a reason */
        *tab = '\0';
        assert_true(strlen(tab + 1) > 0);
        scope = realloc(scope, (scope_count + 1) * sizeof *scope);
        assert_non_null(scope);
        scope[scope_count].source = strdup(line);
        scope[scope_count].reason = strdup(tab + 1);
        scope[scope_count].is_seen = false;
        scope_count++;
    }
    fclose(f);
}

static struct scope_entry *scope_find(const char *source)
{
    for (size_t k = 0; k < scope_count; k++)
        if (strcmp(scope[k].source, source) == 0)
            return &scope[k];
    return NULL;
}

/* --- JSONL -------------------------------------------------------------- */

typedef void (*line_fn)(json_t *vec, void *ctx);

static size_t for_each_line(const char *path, line_fn fn, void *ctx)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t n = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (len <= 1)
            continue;
        json_error_t jerr;
        json_t *vec = json_loadb(line, (size_t)len, 0, &jerr);
        if (!vec)
            fail_msg("%s:%zu: %s", path, n + 1, jerr.text);
        fn(vec, ctx);
        json_decref(vec);
        n++;
    }
    free(line);
    fclose(f);
    return n;
}

/* --- Syntax ------------------------------------------------------------- */

struct syntax_score {
    size_t total, right;
};

static void syntax_line(json_t *vec, void *ctx)
{
    struct syntax_score *s = ctx;
    const char *pattern = json_string_value(json_object_get(vec, "pattern"));
    bool want = json_is_true(json_object_get(vec, "valid"));
    struct stix_pattern_error err;
    struct stix_pattern *p = stix_pattern_parse(pattern, strlen(pattern), &err);
    s->total++;
    if ((p != NULL) == want)
        s->right++;
    else
        printf("WRONG syntax: want %s got %s: %s%s%s (at %zu)\n", want ? "valid" : "invalid",
               p ? "valid" : "invalid", pattern, p ? "" : " -- ", p ? "" : err.message, err.offset);
    stix_pattern_free(p);
}

static void test_syntax_vectors(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/intel/stix-patterns/syntax.jsonl", shared_dir);
    struct syntax_score s = {0, 0};
    for_each_line(path, syntax_line, &s);
    printf("score syntax.jsonl: %zu/%zu right\n", s.right, s.total);
    assert_int_equal(s.total, 124);
    assert_int_equal(s.right, s.total);
}

/* --- Match -------------------------------------------------------------- */

struct match_score {
    const char *file;
    size_t total, in_scope, right, out_of_scope, wrong, unlisted;
    bool require_spec_section;
};

/* Evaluates the pattern over every observed-data of the merged bundles. */
static enum stix_eval_result eval_vector(const struct stix_pattern *p, json_t *observations)
{
    json_t *objects = json_array();
    size_t i;
    json_t *b;
    json_array_foreach(observations, i, b)
    {
        json_t *objs = json_object_get(b, "objects");
        if (json_is_array(objs))
            json_array_extend(objects, objs);
        else if (json_is_object(b) && !json_object_get(b, "objects"))
            json_array_append(objects, b);
        else if (json_is_string(json_object_get(b, "type")) &&
                 !strcmp(json_string_value(json_object_get(b, "type")), "observed-data"))
            json_array_append(objects, b); /* 2.0: observed-data with embedded objects */
    }
    enum stix_eval_result out = STIX_EVAL_NO_MATCH;
    json_t *o;
    json_array_foreach(objects, i, o)
    {
        const char *type = json_string_value(json_object_get(o, "type"));
        if (!type || strcmp(type, "observed-data") != 0)
            continue;
        struct stix_observation obs;
        stix_observation_init(&obs, 0);
        int rc = stix_observation_from_json(&obs, o, objects);
        enum stix_eval_result r = rc == 0 ? stix_pattern_eval(p, &obs, NULL) : STIX_EVAL_ERROR;
        stix_observation_fini(&obs);
        if (r == STIX_EVAL_MATCH) {
            out = r;
            break;
        }
        if (r == STIX_EVAL_NOT_EVALUATED || (r == STIX_EVAL_ERROR && out == STIX_EVAL_NO_MATCH))
            out = r;
    }
    json_decref(objects);
    return out;
}

static void match_line(json_t *vec, void *ctx)
{
    struct match_score *s = ctx;
    const char *pattern = json_string_value(json_object_get(vec, "pattern"));
    const char *source = json_string_value(json_object_get(vec, "source"));
    const char *expect_error = json_string_value(json_object_get(vec, "expect_error"));
    bool want = json_is_true(json_object_get(vec, "expect_match"));
    s->total++;
    if (s->require_spec_section && !json_is_string(json_object_get(vec, "spec_section")))
        fail_msg("%s: %s has no spec_section", s->file, source);
    struct scope_entry *listed = scope_find(source);
    if (listed) {
        listed->is_seen = true;
        s->out_of_scope++;
        return;
    }
    s->in_scope++;
    struct stix_pattern_error err;
    struct stix_pattern *p = stix_pattern_parse(pattern, strlen(pattern), &err);
    bool ok;
    const char *got;
    if (!p) {
        ok = !want && expect_error && strcmp(expect_error, "parse") == 0;
        got = "parse error";
    } else {
        enum stix_eval_result r = eval_vector(p, json_object_get(vec, "observations"));
        got = stix_eval_result_name(r);
        if (r == STIX_EVAL_NOT_EVALUATED) {
            s->unlisted++;
            printf("UNLISTED %s: not evaluated (needs several observations): %s\n", source,
                   pattern);
            stix_pattern_free(p);
            return;
        }
        if (expect_error && strcmp(expect_error, "parse") == 0)
            ok = false; /* we accepted what must be rejected */
        else
            ok = (r == STIX_EVAL_MATCH) == want;
    }
    if (ok) {
        s->right++;
    } else {
        s->wrong++;
        printf("WRONG %s: want %s%s%s got %s: %s%s%s\n", source, want ? "match" : "no match",
               expect_error ? " / error " : "", expect_error ? expect_error : "", got, pattern,
               p ? "" : " -- ", p ? "" : err.message);
    }
    stix_pattern_free(p);
}

static void run_match_file(const char *path, const char *name, bool require_section)
{
    struct match_score s;
    memset(&s, 0, sizeof s);
    s.file = name;
    s.require_spec_section = require_section;
    for_each_line(path, match_line, &s);
    printf("score %s: %zu vectors, in scope %zu/%zu right, %zu out of scope (listed)%s\n", name,
           s.total, s.right, s.in_scope, s.out_of_scope,
           s.unlisted ? ", UNLISTED not-evaluated vectors present" : "");
    assert_true(s.total > 0);
    assert_int_equal(s.wrong, 0);
    assert_int_equal(s.unlisted, 0);
}

static void test_match_vectors(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/intel/stix-patterns/match.jsonl", shared_dir);
    run_match_file(path, "match.jsonl", false);
    for (size_t k = 0; k < scope_count; k++)
        if (!scope[k].is_seen)
            fail_msg("out_of_scope.tsv lists %s, which match.jsonl does not have", scope[k].source);
}

static void test_network_sensor_subset(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/intel/stix-patterns/network-sensor-subset.jsonl", shared_dir);
    run_match_file(path, "network-sensor-subset.jsonl", false);
}

static void test_sensor_vectors(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/sensor_vectors.jsonl", source_dir);
    run_match_file(path, "sensor_vectors.jsonl", true);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        shared_dir = argv[1];
    if (argc > 2)
        source_dir = argv[2];
    load_scope();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syntax_vectors),
        cmocka_unit_test(test_match_vectors),
        cmocka_unit_test(test_network_sensor_subset),
        cmocka_unit_test(test_sensor_vectors),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    for (size_t k = 0; k < scope_count; k++) {
        free(scope[k].source);
        free(scope[k].reason);
    }
    free(scope);
    return rc;
}
