/* test_import_stix.c — STIX 2.1 import: every file of
 * ../shared/intel/stix-bundles (indicators and errors counted), relationship
 * resolution to ATT&CK G0128, TLP policy, and hostile input: a malformed
 * object among good ones, a truncated file, deep nesting, a pattern nested
 * too deep, an object over the size limit, standard input, directories.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import_test.h"

#include <cmocka.h>

static const char *shared_dir = "../shared";
static const char *data_dir = "data";

static char *shared_path(const char *rel)
{
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/intel/stix-bundles/%s", shared_dir, rel);
    return p;
}

struct shared_case {
    const char *file;
    uint64_t indicators, errors, skipped;
};

/* docs/intel.md, "Import": the table of results per shared file. */
static const struct shared_case shared_cases[] = {
    {"attack-G0128-zirconium-apt31.json", 0, 0, 61},
    {"mvt-indicators/coruna.stix2", 216, 0, 217},
    {"mvt-indicators/eaglemsgspy.stix2", 51, 0, 52},
    {"mvt-indicators/operation_triangulation.stix2", 112, 0, 113},
    {"oasis-examples/apt1.json", 12, 0, 64},
    {"oasis-examples/indicator-for-c2-ip-address.json", 1, 0, 0},
    {"oasis-examples/interop-objectmarking-test.json", 0, 0, 1},
    {"oasis-examples/malicious-email-indicator-with-attachment.json", 2, 0, 4},
    {"spec-examples.json", 1, 0, 17},
    {"spec-examples.provenance.json", 0, 18, 0},
};

static void test_shared_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof shared_cases / sizeof shared_cases[0]; i++) {
        const struct shared_case *sc = &shared_cases[i];
        char *path = shared_path(sc->file);
        struct collect c = {0};
        int rc;
        struct intel_import *im = import_into(NULL, path, &c, &rc);
        if (intel_import_indicator_count(im) != sc->indicators ||
            intel_import_error_count(im) != sc->errors)
            fprintf(stderr, "%s: %llu indicators, %llu errors\n", sc->file,
                    (unsigned long long)intel_import_indicator_count(im),
                    (unsigned long long)intel_import_error_count(im));
        assert_int_equal(rc, 0);
        assert_int_equal(intel_import_indicator_count(im), sc->indicators);
        assert_int_equal(c.n_inds, sc->indicators);
        assert_int_equal(intel_import_error_count(im), sc->errors);
        assert_int_equal(counter(im, "skipped.non_indicator"), sc->skipped);
        /* mvt: every indicator is related to the bundle's malware. */
        for (size_t k = 0; !strncmp(sc->file, "mvt", 3) && k < c.n_inds; k++) {
            assert_int_equal(c.inds[k].related_count, 1);
            assert_string_equal(c.inds[k].related[0].type, "malware");
            assert_string_equal(c.inds[k].related[0].relationship, "indicates");
            assert_int_equal(c.inds[k].tlp_origin, INTEL_TLP_NONE);
            assert_int_equal(c.inds[k].tlp, INTEL_TLP_AMBER);
        }
        if (!strcmp(sc->file, "mvt-indicators/eaglemsgspy.stix2"))
            assert_int_equal(counter(im, "pattern.norm.hash_key_spelling"), 25);
        if (!strcmp(sc->file, "attack-G0128-zirconium-apt31.json"))
            assert_int_equal(counter(im, "tlp.unknown_id"), 60); /* the ATT&CK statement */
        if (!strcmp(sc->file, "oasis-examples/interop-objectmarking-test.json"))
            assert_int_equal(counter(im, "tlp.unknown_id"), 1); /* the bogus ...5ec */
        intel_import_free(im);
        collect_free(&c);
        free(path);
    }
}

/* Every file in the shared folder is in the table above. */
static void test_shared_files_listed(void **state)
{
    (void)state;
    static const char *const dirs[] = {"", "mvt-indicators/", "oasis-examples/"};
    size_t seen = 0;
    for (size_t d = 0; d < 3; d++) {
        char *path = shared_path(dirs[d]);
        DIR *dir = opendir(path);
        assert_non_null(dir);
        for (struct dirent *de; (de = readdir(dir));) {
            char rel[512];
            snprintf(rel, sizeof rel, "%s%s", dirs[d], de->d_name);
            struct stat st;
            char full[4200];
            snprintf(full, sizeof full, "%s%s", path, de->d_name);
            if (de->d_name[0] == '.' || stat(full, &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            bool found = false;
            for (size_t i = 0; i < sizeof shared_cases / sizeof shared_cases[0]; i++)
                found |= !strcmp(shared_cases[i].file, rel);
            if (!found)
                fprintf(stderr, "not in the table: %s\n", rel);
            assert_true(found);
            seen++;
        }
        closedir(dir);
        free(path);
    }
    assert_int_equal(seen, sizeof shared_cases / sizeof shared_cases[0]);
}

static void test_apt1(void **state)
{
    (void)state;
    char *path = shared_path("oasis-examples/apt1.json");
    struct collect c = {0};
    struct intel_import *im = import_into(NULL, path, &c, NULL);
    assert_int_equal(counter(im, "pattern.norm.cidr_with_eq"), 4);
    const struct got_ind *g = find_pattern(&c, "[ipv4-addr:value = '223.166.0.0/15']");
    assert_non_null(g);
    assert_string_equal(g->kill_chain_phases, "mandiant-attack-lifecycle-model:establish-foothold");
    assert_string_equal(g->source, "apt1.json");
    g = find_pattern(&c, "[domain-name:value = 'hugesoft.org']");
    assert_non_null(g);
    assert_int_equal(g->related_count, 2);
    assert_string_equal(g->related[0].type, "threat-actor");
    assert_string_equal(g->related[0].name, "Ugly Gorilla");
    assert_string_equal(g->related[1].type, "intrusion-set");
    assert_string_equal(g->related[1].name, "APT1");
    assert_string_equal(g->related[1].relationship, "attributed-to (via threat-actor)");
    assert_non_null(strstr(g->related[1].aliases, "Comment Crew"));
    intel_import_free(im);
    collect_free(&c);
    free(path);
}

/* The G0128 bundle with our indicators before it and the relationships
 * after it: pass 1 must see relationships that follow the indicators. */
static char *g0128_bundle(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/g0128-indicators.json", data_dir);
    json_t *ours = json_load_file(path, 0, NULL);
    char *g = shared_path("attack-G0128-zirconium-apt31.json");
    json_t *attack = json_load_file(g, 0, NULL);
    free(g);
    assert_non_null(ours);
    assert_non_null(attack);
    json_t *objects = json_array(), *tail = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(ours, "objects"), i, o)
    {
        bool is_rel = !strcmp(json_string_value(json_object_get(o, "type")), "relationship");
        json_array_append(is_rel ? tail : objects, o);
    }
    json_array_extend(objects, json_object_get(attack, "objects"));
    json_array_extend(objects, tail);
    json_t *bundle = json_pack("{s:s, s:s, s:o}", "type", "bundle", "id",
                               "bundle--0f6e6a4e-8f3c-4d0a-9a52-6b3b1f0e2d11", "objects", objects);
    char *text = json_dumps(bundle, JSON_INDENT(2));
    char *tmp = temp_file(text, strlen(text));
    free(text);
    json_decref(bundle);
    json_decref(tail);
    json_decref(ours);
    json_decref(attack);
    return tmp;
}

static bool has_related(const struct got_ind *g, const char *type, const char *ext)
{
    for (size_t i = 0; i < g->related_count; i++)
        if (!strcmp(g->related[i].type, type) && g->related[i].external_id &&
            !strcmp(g->related[i].external_id, ext))
            return true;
    return false;
}

static void test_g0128_related(void **state)
{
    (void)state;
    char *path = g0128_bundle();
    struct collect c = {0};
    struct intel_import *im = import_into(NULL, path, &c, NULL);
    assert_int_equal(c.n_inds, 3);
    assert_int_equal(intel_import_error_count(im), 0);
    const struct got_ind *a = find_ind(&c, "indicator--7d0e2b7c-4a55-4b7e-9c1d-3f2a6e8b9c01");
    assert_non_null(a);
    assert_string_equal(a->source, "Example National CERT");
    assert_int_equal(a->tlp, INTEL_TLP_GREEN);
    assert_int_equal(a->tlp_origin, INTEL_TLP_FROM_MARKING);
    assert_int_equal(a->confidence, 80);
    assert_string_equal(a->indicator_types, "malicious-activity,attribution");
    assert_string_equal(a->kill_chain_phases, "mitre-attack:command-and-control");
    assert_int_equal(a->modified_us % 1000000, 123456);
    assert_int_equal(a->valid_until_us - a->valid_from_us, 366LL * 86400 * 1000000);
    assert_int_equal(a->related_count, 30);
    assert_string_equal(a->related[0].type, "intrusion-set");
    assert_string_equal(a->related[0].name, "ZIRCONIUM");
    assert_string_equal(a->related[0].external_id, "G0128");
    assert_string_equal(a->related[0].aliases, "APT31, Violet Typhoon");
    assert_string_equal(a->related[0].stix_id,
                        "intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b");
    assert_string_equal(a->related[0].relationship, "indicates");
    for (size_t i = 1; i < a->related_count; i++) {
        assert_string_equal(a->related[i].type, "attack-pattern");
        assert_string_equal(a->related[i].relationship, "uses (via intrusion-set)");
        assert_true(a->related[i].external_id[0] == 'T');
    }
    assert_true(has_related(a, "attack-pattern", "T1566.002"));
    assert_true(has_related(a, "attack-pattern", "T1090.003"));
    const struct got_ind *b = find_ind(&c, "indicator--7d0e2b7c-4a55-4b7e-9c1d-3f2a6e8b9c02");
    assert_int_equal(b->tlp, INTEL_TLP_AMBER_STRICT); /* AMBER 1.0 + AMBER+STRICT 2.0 */
    assert_int_equal(b->valid_until_us, INTEL_TIME_NONE);
    assert_int_equal(b->confidence, -1);
    const struct got_ind *d = find_ind(&c, "indicator--7d0e2b7c-4a55-4b7e-9c1d-3f2a6e8b9c03");
    assert_int_equal(d->tlp, INTEL_TLP_RED); /* the bogus ...5ec id */
    assert_int_equal(d->tlp_origin, INTEL_TLP_UNKNOWN_ID);
    assert_string_equal(d->source, strrchr(path, '/') + 1);
    assert_int_equal(d->related_count, 2);
    assert_string_equal(d->related[0].name, "ExampleLoader");
    assert_string_equal(d->related[0].aliases, "ExLdr");
    assert_string_equal(d->related[1].external_id, "G0128");
    assert_string_equal(d->related[1].relationship, "attributed-to (via malware)");
    assert_int_equal(counter(im, "related.dangling"), 1); /* the campaign not in the bundle */
    assert_int_equal(counter(im, "tlp.fail_closed_red"), 1);
    assert_int_equal(counter(im, "tlp.from_marking"), 2);
    intel_import_free(im);
    collect_free(&c);
    unlink(path);
    free(path);
}

#define IND(id, pattern, extra)                                                                    \
    "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--" id "\","               \
    "\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\","                  \
    "\"valid_from\":\"2024-01-01T00:00:00Z\",\"pattern_type\":\"stix\",\"pattern\":\"" pattern     \
    "\"" extra "}"

#define U(n) "00000000-0000-4000-8000-0000000000" n

static void test_malformed_objects(void **state)
{
    (void)state;
    const char *text = "{\"type\":\"bundle\",\"id\":\"bundle--" U("00") "\",\"objects\":[\n" IND(U("01"), "[ipv4-addr:value = '192.0.2.1']", "") ",\n" IND(
        U("02"), "[ipv4-addr:value = '192.0.2.2']",
        "") ",\n"
            "{\"type\":\"indicator\",\n\"id\":\"indicator--" U("03") "\"\n\"x\":1},\n" IND(U("04"), "[ipv4-addr:value = '192.0.2.4']", "") ",\n" IND(
                U("05"), "[file:size = ]",
                "") ",\n" IND(U("06"), "[ipv4-addr:value = '192.0.2.6']",
                              ",\"confidence\":\"high\"") ",\n"
                                                          "{\"type\":\"indicator\",\"id\":"
                                                          "\"indicator--" U(
                                                              "07") "\",\"created\":"
                                                                    "\"2022-101-27T13:49:54.326Z\","
                                                                    "\"modified\":\"2024-01-01T00:"
                                                                    "00:00Z\","
                                                                    "\"valid_from\":\"2024-01-"
                                                                    "01T00:00:00Z\",\"pattern_"
                                                                    "type\":\"stix\","
                                                                    "\"pattern\":\"[ipv4-addr:"
                                                                    "value = '192.0.2.7']\"},\n"
                                                                    "{\"type\":\"indicator\","
                                                                    "\"spec_version\":\"2.1\","
                                                                    "\"id\":\"indicator--" U(
                                                                        "08") "\",\"created\":"
                                                                              "\"2024-01-01T00:00:"
                                                                              "00Z\",\"modified\":"
                                                                              "\"2024-01-01T00:00:"
                                                                              "00Z\","
                                                                              "\"valid_from\":"
                                                                              "\"2024-01-01T00:00:"
                                                                              "00Z\",\"pattern_"
                                                                              "type\":\"stix\"},"
                                                                              "\n" IND("not-a-uuid", "[ipv4-addr:value = '192.0.2.9']", "") ",\n" IND(
                                                                                  U("10"),
                                                                                  "[ipv4-addr:"
                                                                                  "value = "
                                                                                  "'192.0.2.10']",
                                                                                  ",\"pattern_"
                                                                                  "type\":"
                                                                                  "\"sigma\"") ",\n"
                                                                                               "{\""
                                                                                               "typ"
                                                                                               "e\""
                                                                                               ":\""
                                                                                               "ind"
                                                                                               "ica"
                                                                                               "tor"
                                                                                               "\","
                                                                                               "\"s"
                                                                                               "pec"
                                                                                               "_ve"
                                                                                               "rsi"
                                                                                               "on"
                                                                                               "\":"
                                                                                               "\"2"
                                                                                               ".1"
                                                                                               "\","
                                                                                               "\"i"
                                                                                               "d\""
                                                                                               ":\""
                                                                                               "ind"
                                                                                               "ica"
                                                                                               "tor"
                                                                                               "-"
                                                                                               "-" U(
                                                                                                   "11") "\",\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\","
                                                                                                         "\"valid_from\":\"2024-01-01T00:00:00Z\",\"pattern_type\":\"snort\","
                                                                                                         "\"pattern\":\"alert tcp any any\"},\n"
                                                                                                         "42,\n" IND(
                                                                                                             U("12"),
                                                                                                             "[ipv4-addr:value = '192.0.2.12']",
                                                                                                             "") "\n]}\n";
    struct collect c = {0};
    struct intel_import *im = import_text(NULL, "bad.json", text, &c);
    /* 01 02 04 11 12 delivered (11 with its own pattern_type, never matched). */
    assert_int_equal(c.n_inds, 5);
    assert_non_null(find_ind(&c, "indicator--" U("04")));
    assert_non_null(find_ind(&c, "indicator--" U("12")));
    assert_string_equal(find_ind(&c, "indicator--" U("11"))->pattern_type, "snort");
    assert_int_equal(counter(im, "indicators.not_stix_pattern"), 1);
    assert_int_equal(counter(im, "error.json"), 2); /* 03, and 10's duplicate key */
    assert_int_equal(counter(im, "error.bad_pattern"), 1);
    assert_int_equal(counter(im, "error.bad_property"), 2); /* confidence, id */
    assert_int_equal(counter(im, "error.bad_timestamp"), 1);
    assert_int_equal(counter(im, "error.missing_property"), 1);
    assert_int_equal(counter(im, "error.not_object"), 1);
    assert_int_equal(c.n_errs, 8);
    /* The broken object starts on line 4; jansson's position is made absolute. */
    assert_int_equal(c.errs[0].line, 4);
    assert_non_null(strstr(c.errs[0].message, "JSON: "));
    assert_non_null(strstr(c.errs[0].message, "line 6"));
    assert_string_equal(c.errs[0].path, "bad.json");
    assert_int_equal(c.errs[0].offset, strstr(text, "{\"type\":\"indicator\",\n") - text);
    assert_non_null(strstr(c.errs[1].message, "pattern: offset 13: "));
    assert_string_equal(c.errs[1].object_id, "indicator--" U("05"));
    assert_int_equal(c.errs[1].line, 8);
    assert_non_null(strstr(c.errs[3].message, "2022-101-27"));
    intel_import_free(im);
    collect_free(&c);
}

static void test_truncated(void **state)
{
    (void)state;
    const char *text = "{\"type\":\"bundle\",\"objects\":[\n" IND(
        U("01"), "[ipv4-addr:value = '192.0.2.1']",
        "") ",\n" IND(U("02"), "[ipv4-addr:value = '192.0.2.2']",
                      "") ",\n{\"type\":\"indicator\",\"id\":\"ind";
    struct collect c = {0};
    struct intel_import *im = import_text(NULL, "cut.json", text, &c);
    assert_int_equal(c.n_inds, 2);
    assert_int_equal(c.n_errs, 1);
    assert_int_equal(counter(im, "error.structure"), 1);
    assert_non_null(strstr(c.errs[0].message, "inside a string"));
    assert_non_null(strstr(c.errs[0].message, "truncated"));
    assert_non_null(strstr(c.errs[0].message, "2 objects were read"));
    assert_int_equal(c.errs[0].line, 4);
    intel_import_free(im);
    collect_free(&c);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 100000;
    char *text = malloc(4 * depth + 4096);
    memset(text, '[', depth);
    text[depth] = '\0';
    struct collect c = {0};
    struct intel_import_options o;
    intel_import_options_default(&o);
    o.format = INTEL_IMPORT_AUTO;
    struct intel_import *im = import_text(&o, "deep.json", text, &c);
    assert_int_equal(c.n_inds, 0);
    assert_int_equal(counter(im, "error.structure"), 1);
    intel_import_free(im);
    collect_free(&c);
    /* Inside a bundle: that object fails in jansson (depth), the others come. */
    strcpy(text, "{\"objects\":[" IND(U("01"), "[ipv4-addr:value = '192.0.2.1']",
                                      "") ",{\"type\":\"indicator\",\"x\":");
    size_t n = strlen(text);
    memset(text + n, '[', depth);
    memset(text + n + depth, ']', depth);
    sprintf(text + n + 2 * depth, "}," IND(U("02"), "[ipv4-addr:value = '192.0.2.2']", "") "]}");
    im = import_text(NULL, "deep2.json", text, &c);
    assert_int_equal(c.n_inds, 2);
    assert_int_equal(counter(im, "error.json"), 1);
    assert_non_null(strstr(c.errs[0].message, "depth"));
    intel_import_free(im);
    collect_free(&c);
    /* A pattern nested deeper than the parser allows. */
    strcpy(text, "[" IND(U("01"), "[ipv4-addr:value = '192.0.2.1']",
                         "") ",{\"type\":\"indicator\","
                             "\"spec_version\":\"2.1\",\"id\":\"indicator--" U(
                                 "02") "\",\"created\":\"2024-01-01T00:00:00Z\","
                                       "\"modified\":\"2024-01-01T00:00:00Z\",\"valid_from\":"
                                       "\"2024-01-01T00:00:00Z\","
                                       "\"pattern_type\":\"stix\",\"pattern\":\"");
    n = strlen(text);
    for (int k = 0; k < 100; k++)
        text[n++] = '(';
    strcpy(text + n, "[ipv4-addr:value = '1.2.3.4']");
    n = strlen(text);
    for (int k = 0; k < 100; k++)
        text[n++] = ')';
    sprintf(text + n, "\"}," IND(U("03"), "[ipv4-addr:value = '192.0.2.3']", "") "]");
    im = import_text(NULL, "deep3.json", text, &c);
    assert_int_equal(c.n_inds, 2);
    assert_int_equal(counter(im, "error.bad_pattern"), 1);
    assert_non_null(strstr(c.errs[0].message, "pattern: offset"));
    intel_import_free(im);
    collect_free(&c);
    free(text);
}

static void test_bare_array_stdin(void **state)
{
    (void)state;
    struct collect c = {0};
    struct intel_import *im =
        import_text(NULL, "one.json", IND(U("01"), "[ipv4-addr:value = '192.0.2.1']", ""), &c);
    assert_int_equal(c.n_inds, 1);
    intel_import_free(im);
    collect_free(&c);
    const char *arr = "[" IND(U("01"), "[ipv4-addr:value = '192.0.2.1']",
                              "") "," IND(U("02"), "[domain-name:value = 'a.example']", "") "]";
    im = import_text(NULL, "arr.json", arr, &c);
    assert_int_equal(c.n_inds, 2);
    intel_import_free(im);
    collect_free(&c);
    /* Standard input is spooled and read like a file. */
    char *path = temp_file(arr, strlen(arr));
    int saved = dup(0);
    FILE *f = freopen(path, "r", stdin);
    assert_non_null(f);
    int rc;
    im = import_into(NULL, "-", &c, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(c.n_inds, 2);
    assert_string_equal(c.inds[0].source, "(stdin)");
    dup2(saved, 0);
    close(saved);
    intel_import_free(im);
    collect_free(&c);
    unlink(path);
    free(path);
}

static void test_too_large_and_json(void **state)
{
    (void)state;
    size_t big = INTEL_IMPORT_OBJECT_MAX + 1000;
    char *text = malloc(big + 4096);
    strcpy(text, "{\"objects\":[{\"type\":\"indicator\",\"description\":\"");
    size_t n = strlen(text);
    memset(text + n, 'a', big);
    n += big;
    strcpy(text + n, "\"},\n" IND(U("02"), "[ipv4-addr:value = '192.0.2.2']", "") "]}");
    n += strlen(text + n);
    char *path = temp_file(text, n);
    free(text);
    struct collect c = {0};
    struct intel_import *im = import_into(NULL, path, &c, NULL);
    assert_int_equal(c.n_inds, 1);
    assert_int_equal(counter(im, "error.too_large"), 1);
    assert_non_null(strstr(c.errs[0].message, "type 'indicator'"));
    assert_true(counter(im, "memory.peak_buffer_bytes") <= INTEL_IMPORT_OBJECT_MAX + 65536);
    /* object_json is the object, compact. */
    json_t *o = json_loads(c.inds[0].json, 0, NULL);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "id")), "indicator--" U("02"));
    assert_null(strchr(c.inds[0].json, '\n'));
    assert_null(strstr(c.inds[0].json, "\": "));
    json_decref(o);
    intel_import_free(im);
    collect_free(&c);
    unlink(path);
    free(path);
}

static int stop_after_one(void *ctx, const struct intel_indicator *ind)
{
    (void)ind;
    return ++*(int *)ctx > 1 ? -42 : 0;
}

static void test_callback_stop_and_chunks(void **state)
{
    (void)state;
    char *path = shared_path("mvt-indicators/coruna.stix2");
    int seen = 0;
    struct intel_import_callbacks cb = {stop_after_one, NULL, &seen};
    struct intel_import *im = intel_import_new(NULL, &cb);
    assert_int_equal(intel_import_path(im, path), -42);
    assert_int_equal(seen, 2);
    intel_import_free(im);
    /* The file read in 64 KiB chunks and the same bytes from memory agree. */
    struct collect a = {0}, b = {0};
    im = import_into(NULL, path, &a, NULL);
    intel_import_free(im);
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 20);
    size_t len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    buf[len] = '\0';
    im = import_text(NULL, "coruna.stix2", buf, &b);
    assert_int_equal(a.n_inds, 216);
    assert_int_equal(a.n_inds, b.n_inds);
    for (size_t i = 0; i < a.n_inds; i++) {
        assert_string_equal(a.inds[i].stix_id, b.inds[i].stix_id);
        assert_string_equal(a.inds[i].json, b.inds[i].json);
    }
    intel_import_free(im);
    collect_free(&a);
    collect_free(&b);
    free(buf);
    free(path);
}

static void test_directory(void **state)
{
    (void)state;
    char dir[] = "/tmp/hradba-import-dir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p1[256], p2[256], p3[256];
    snprintf(p1, sizeof p1, "%s/b.json", dir);
    snprintf(p2, sizeof p2, "%s/a.txt", dir);
    snprintf(p3, sizeof p3, "%s/.hidden", dir);
    FILE *f = fopen(p1, "w");
    fputs(IND(U("01"), "[ipv4-addr:value = '192.0.2.1']", ""), f);
    fclose(f);
    f = fopen(p2, "w");
    fputs("evil.example\n", f);
    fclose(f);
    f = fopen(p3, "w");
    fputs("hidden.example\n", f);
    fclose(f);
    struct collect c = {0};
    int rc;
    struct intel_import *im = import_into(NULL, dir, &c, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(c.n_inds, 2);
    assert_string_equal(c.inds[0].pattern, "[domain-name:value = 'evil.example']"); /* a.txt */
    assert_string_equal(c.inds[1].source, "b.json");
    assert_int_equal(counter(im, "files"), 2);
    intel_import_free(im);
    collect_free(&c);
    im = import_into(NULL, "/nonexistent/file.json", &c, &rc);
    assert_int_equal(rc, -ENOENT);
    assert_int_equal(counter(im, "error.io"), 1);
    intel_import_free(im);
    collect_free(&c);
    unlink(p1);
    unlink(p2);
    unlink(p3);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        shared_dir = argv[1];
    if (argc > 2)
        data_dir = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_files),
        cmocka_unit_test(test_shared_files_listed),
        cmocka_unit_test(test_apt1),
        cmocka_unit_test(test_g0128_related),
        cmocka_unit_test(test_malformed_objects),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_bare_array_stdin),
        cmocka_unit_test(test_too_large_and_json),
        cmocka_unit_test(test_callback_stop_and_chunks),
        cmocka_unit_test(test_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
