/* test_import_misp.c — MISP import: the shared event (API form) and feed
 * (manifest, hashes.csv cross-check), the RFC sample manifest with string
 * fields, the misp-stix round trip, and a synthetic event covering to_ids,
 * deleted, TLP from tags (attribute over event, most restrictive, unknown),
 * galaxies and the type table.
 */
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

static char *misp_path(const char *rel)
{
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/intel/misp/%s", shared_dir, rel);
    return p;
}

static size_t count_prefix(const struct collect *c, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_inds; i++)
        n += strncmp(c->inds[i].pattern, prefix, strlen(prefix)) == 0;
    return n;
}

static bool has_related(const struct got_ind *g, const char *type, const char *name)
{
    for (size_t i = 0; i < g->related_count; i++)
        if (!strcmp(g->related[i].type, type) && !strcmp(g->related[i].name, name))
            return true;
    return false;
}

static void check_sednit(const struct collect *c, const struct intel_import *im, bool is_feed)
{
    assert_int_equal(c->n_inds, 68);
    assert_int_equal(intel_import_error_count(im), 0);
    assert_int_equal(count_prefix(c, "[domain-name:value = "), 19);
    assert_int_equal(count_prefix(c, "[network-traffic:dst_ref.value = "), 12);
    assert_int_equal(count_prefix(c, "[file:hashes.'SHA-1' = "), 37);
    assert_int_equal(counter(im, "misp.attributes"), 122);
    assert_int_equal(counter(im, "misp.skipped.not_to_ids"), 39); /* 38 text, 1 link */
    assert_int_equal(counter(im, "misp.skipped.weak"), 15);       /* filename */
    for (size_t i = 0; i < c->n_inds; i++) {
        const struct got_ind *g = &c->inds[i];
        assert_string_equal(g->source, "CIRCL");
        assert_int_equal(g->tlp, INTEL_TLP_CLEAR); /* tlp:white */
        assert_int_equal(g->tlp_origin, INTEL_TLP_FROM_TAG);
        assert_string_equal(g->name, "OSINT - Sednit update: How Fancy Bear Spent the Year");
        assert_string_equal(g->indicator_types, "malicious-activity");
        assert_true(has_related(g, "threat-actor", "Sofacy"));
        assert_true(has_related(g, "malware", "CHOPSTICK"));
        assert_int_equal(g->related_count, 14);
    }
    const struct got_ind *g = find_ind(c, "indicator--5a3c3045-ab0c-4d38-8efe-459002de0b81");
    assert_non_null(g);
    assert_string_equal(g->pattern, "[domain-name:value = 'movieultimate.com']");
    if (!is_feed) {
        /* The API form carries the clusters: aliases and ATT&CK ids. */
        assert_string_equal(g->related[0].name, "Sofacy");
        assert_non_null(strstr(g->related[0].aliases, "APT28"));
        for (size_t i = 0; i < g->related_count; i++)
            if (!strcmp(g->related[i].name, "JHUHUGIT"))
                assert_string_equal(g->related[i].stix_id,
                                    "malware--8ae43c46-57ef-47d5-a77a-eebb35628db2");
    }
}

static void test_shared_event(void **state)
{
    (void)state;
    char *path = misp_path("event.json");
    struct collect c = {0};
    struct intel_import *im = import_into(NULL, path, &c, NULL);
    check_sednit(&c, im, false);
    assert_int_equal(counter(im, "misp.events"), 1);
    intel_import_free(im);
    collect_free(&c);
    free(path);
}

static void test_shared_feed(void **state)
{
    (void)state;
    char *path = misp_path("feed");
    struct collect c = {0};
    int rc;
    struct intel_import *im = import_into(NULL, path, &c, &rc);
    assert_int_equal(rc, 0);
    check_sednit(&c, im, true);
    assert_int_equal(counter(im, "misp.feed.events"), 1);
    assert_int_equal(counter(im, "misp.feed.hash_checked"), 122);
    assert_int_equal(counter(im, "misp.feed.hash_missing"), 0);
    intel_import_free(im);
    collect_free(&c);
    free(path);
}

static void copy_file(const char *from, const char *to, size_t skip_lines)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    int ch, line = 0;
    while ((ch = fgetc(in)) != EOF) {
        if ((size_t)line >= skip_lines)
            fputc(ch, out);
        line += ch == '\n';
    }
    fclose(in);
    fclose(out);
}

/* hashes.csv without two lines: two attribute values are not listed. */
static void test_feed_hash_mismatch(void **state)
{
    (void)state;
    char dir[] = "/tmp/hradba-feed-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const char *const files[] = {"manifest.json",
                                        "5a3c2fcd-8328-42bb-a95e-4f4402de0b81.json", "hashes.csv"};
    char from[4096], to[4096];
    for (size_t i = 0; i < 3; i++) {
        snprintf(from, sizeof from, "%s/intel/misp/feed/%s", shared_dir, files[i]);
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        copy_file(from, to, i == 2 ? 2 : 0);
    }
    struct collect c = {0};
    struct intel_import *im = import_into(NULL, dir, &c, NULL);
    assert_int_equal(c.n_inds, 68); /* a cross-check, never a failure */
    assert_int_equal(counter(im, "misp.feed.hash_missing"), 2);
    assert_int_equal(intel_import_error_count(im), 0);
    intel_import_free(im);
    collect_free(&c);
    for (size_t i = 0; i < 3; i++) {
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        unlink(to);
    }
    rmdir(dir);
}

/* The RFC sample manifest (string fields, an Orgc without uuid) with event
 * files that carry no metadata: the manifest's stands in. One event file is
 * missing. */
static void test_feed_rfc_manifest(void **state)
{
    (void)state;
    char dir[] = "/tmp/hradba-feed-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *from = misp_path("rfc-sample-manifest.json");
    char to[4096], ev[4096];
    snprintf(to, sizeof to, "%s/manifest.json", dir);
    copy_file(from, to, 0);
    free(from);
    snprintf(ev, sizeof ev, "%s/57c6ac4c-c60c-4f79-a38f-b666950d210f.json", dir);
    FILE *f = fopen(ev, "w");
    fputs("{\"Event\":{\"uuid\":\"57c6ac4c-c60c-4f79-a38f-b666950d210f\",\"Attribute\":["
          "{\"uuid\":\"57c6ac4c-0000-4000-8000-000000000001\",\"type\":\"domain\","
          "\"value\":\"photo.example\",\"to_ids\":true}]}}",
          f);
    fclose(f);
    struct collect c = {0};
    struct intel_import *im = import_into(NULL, dir, &c, NULL);
    assert_int_equal(c.n_inds, 1);
    assert_string_equal(c.inds[0].source, "CIRCL");
    assert_int_equal(c.inds[0].tlp, INTEL_TLP_CLEAR);
    assert_int_equal(c.inds[0].tlp_origin, INTEL_TLP_FROM_TAG);
    assert_string_equal(c.inds[0].name, "Malspam 2016-08-31 (.wsf in .zip) - campaign: Photo");
    assert_int_equal(c.inds[0].created_us, 1472638251000000LL); /* "timestamp" as a string */
    assert_int_equal(counter(im, "error.io"), 1); /* 5720accd-….json does not exist */
    assert_non_null(strstr(c.errs[0].path, "5720accd-dd28-45f8-80e5-4605950d210f.json"));
    intel_import_free(im);
    collect_free(&c);
    unlink(ev);
    unlink(to);
    rmdir(dir);
}

/* The misp-stix pair: the events collection ({"response": […]}) and the STIX
 * misp-stix made of it give the same indicator. */
static void test_roundtrip(void **state)
{
    (void)state;
    char *a = misp_path("misp-stix-roundtrip/test_events_collection_1.json");
    char *b = misp_path("misp-stix-roundtrip/test_event1_stix21.json");
    struct collect ca = {0}, cb = {0};
    struct intel_import *im = import_into(NULL, a, &ca, NULL);
    assert_int_equal(counter(im, "misp.events"), 2);
    assert_int_equal(counter(im, "misp.skipped.not_to_ids"), 1); /* the AS attribute */
    intel_import_free(im);
    im = import_into(NULL, b, &cb, NULL);
    intel_import_free(im);
    assert_int_equal(ca.n_inds, 1);
    assert_int_equal(cb.n_inds, 1);
    assert_string_equal(ca.inds[0].stix_id, cb.inds[0].stix_id);
    assert_string_equal(ca.inds[0].pattern, cb.inds[0].pattern);
    assert_string_equal(ca.inds[0].source, cb.inds[0].source);
    assert_string_equal(ca.inds[0].description, "Domain test attribute");
    collect_free(&ca);
    collect_free(&cb);
    free(a);
    free(b);
}

static const char *synthetic(void)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/misp-synthetic.json", data_dir);
    return path;
}

#define AID(n) "indicator--aaaaaaaa-0000-4000-8000-0000000000" n

static void test_synthetic(void **state)
{
    (void)state;
    struct collect c = {0};
    struct intel_import *im = import_into(NULL, synthetic(), &c, NULL);
    assert_int_equal(c.n_inds, 7);
    assert_int_equal(intel_import_error_count(im), 1);
    assert_int_equal(counter(im, "error.bad_value"), 1);
    assert_non_null(strstr(c.errs[0].message, "not-an-ip"));
    assert_string_equal(c.errs[0].object_id, "aaaaaaaa-0000-4000-8000-000000000007");
    assert_int_equal(counter(im, "misp.skipped.not_to_ids"), 3);
    assert_int_equal(counter(im, "misp.skipped.host"), 1);
    assert_int_equal(counter(im, "misp.skipped.weak"), 1);
    assert_int_equal(counter(im, "tlp.unknown_tag"), 1);
    const struct got_ind *g = find_ind(&c, AID("01"));
    assert_string_equal(g->pattern, "[network-traffic:dst_ref.value = '198.51.100.7']");
    assert_string_equal(g->source, "Example Org");
    assert_string_equal(g->name, "Synthetic APT31 event");
    assert_string_equal(g->description, "C2");
    assert_int_equal(g->tlp, INTEL_TLP_AMBER); /* amber and green on the event */
    assert_int_equal(g->tlp_origin, INTEL_TLP_FROM_TAG);
    assert_int_equal(g->created_us, 1700000000000000LL);
    assert_int_equal(g->valid_from_us, 1700000000000000LL);
    assert_int_equal(g->valid_until_us, INTEL_TIME_NONE);
    assert_int_equal(g->related_count, 2);
    assert_string_equal(g->related[0].type, "intrusion-set");
    assert_string_equal(g->related[0].name, "APT31");
    assert_string_equal(g->related[0].external_id, "G0128");
    assert_string_equal(g->related[0].aliases, "ZIRCONIUM, Violet Typhoon");
    assert_string_equal(g->related[0].stix_id,
                        "intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b");
    assert_string_equal(g->related[1].external_id, "T1071");
    assert_string_equal(g->related[1].name, "Application Layer Protocol");
    json_t *o = json_loads(g->json, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(o, "x_misp_type")), "ip-dst");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(o, "object_marking_refs"), 0)),
        intel_tlp_marking_id(INTEL_TLP_AMBER));
    json_decref(o);
    g = find_ind(&c, AID("02")); /* upper-case uuid, lower-cased */
    assert_non_null(g);
    assert_string_equal(g->pattern,
                        "[domain-name:value = 'evil.example' OR ipv4-addr:value = '198.51.100.8']");
    assert_int_equal(g->tlp, INTEL_TLP_RED); /* the attribute's tag wins */
    g = find_ind(&c, AID("03"));
    assert_true(g->is_revoked);
    assert_string_equal(g->pattern, "[url:value = 'http://evil.example/it\\'s\\\\here']");
    g = find_ind(&c, AID("05"));
    assert_string_equal(g->pattern, "[x-tls-fingerprint:ja3 = 'e7d705a3286e19ea42f587b344ee6865']");
    assert_int_equal(g->tlp, INTEL_TLP_RED);
    assert_int_equal(g->tlp_origin, INTEL_TLP_UNKNOWN_ID);
    assert_int_equal(g->valid_from_us, 1698832800000000LL); /* first_seen */
    assert_int_equal(g->related_count, 3);
    assert_string_equal(g->related[0].name, "ExampleLoader");
    assert_string_equal(g->related[0].external_id, "S9999");
    assert_string_equal(g->related[0].relationship, "attribute galaxy");
    assert_string_equal(g->related[1].relationship, "event galaxy");
    g = find_ind(&c, "indicator--06a42824-1136-500c-8601-d101ac0de3f5"); /* no uuid: UUIDv5 */
    assert_non_null(g);
    assert_int_equal(counter(im, "misp.uuid_derived"), 1);
    g = find_ind(&c, AID("11"));
    assert_string_equal(g->description, "dropper; file name: drop.exe");
    assert_false(g->is_revoked);
    g = find_ind(&c, AID("13"));
    assert_true(g->is_revoked); /* its object is deleted */
    assert_string_equal(g->pattern,
                        "[domain-name:value = 'c2.example' AND network-traffic:dst_port = 8443]");
    intel_import_free(im);
    collect_free(&c);

    /* to_ids off: the AS comes in, text and mutex stay out by type. */
    struct intel_import_options opt;
    intel_import_options_default(&opt);
    opt.misp_to_ids_only = false;
    opt.default_confidence = 50;
    im = import_into(&opt, synthetic(), &c, NULL);
    assert_int_equal(c.n_inds, 8);
    g = find_ind(&c, AID("09"));
    assert_string_equal(g->pattern, "[autonomous-system:number = 64500]");
    assert_null(g->indicator_types);
    assert_int_equal(g->confidence, 50);
    assert_int_equal(counter(im, "misp.skipped.text"), 1);
    assert_int_equal(counter(im, "misp.skipped.host"), 2);
    intel_import_free(im);
    collect_free(&c);
}

/* Bare event form, detection by content, and a broken attribute among good
 * ones. */
static void test_bare_and_broken(void **state)
{
    (void)state;
    const char *text =
        "{\"uuid\":\"e0000000-0000-4000-8000-00000000000f\",\"info\":\"bare\",\"Attribute\":[\n"
        "{\"uuid\":\"bbbbbbbb-0000-4000-8000-000000000001\",\"type\":\"domain\",\"value\":\"a."
        "example\","
        "\"to_ids\":true},\n"
        "{\"uuid\":\"bbbbbbbb-0000-4000-8000-000000000002\",\"type\":\"domain\" \"value\":\"b\"},\n"
        "{\"uuid\":\"bbbbbbbb-0000-4000-8000-000000000003\",\"type\":\"sha256\",\"value\":"
        "\"7fa3abc229fd3cb9a0a6f07d9da15e35528c630d0ad5902d5422b305cae7eaa4\",\"to_ids\":true},\n"
        "{\"uuid\":\"bbbbbbbb-0000-4000-8000-000000000004\",\"value\":\"x\",\"to_ids\":true}\n"
        "]}";
    struct collect c = {0};
    struct intel_import *im = import_text(NULL, "bare.json", text, &c);
    assert_int_equal(c.n_inds, 2);
    assert_string_equal(c.inds[0].source, "bare.json"); /* no Orgc */
    assert_int_equal(c.inds[0].tlp_origin, INTEL_TLP_NONE);
    assert_int_equal(counter(im, "error.json"), 1);
    assert_int_equal(counter(im, "error.missing_property"), 1);
    assert_int_equal(c.errs[0].line, 3);
    intel_import_free(im);
    collect_free(&c);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        shared_dir = argv[1];
    if (argc > 2)
        data_dir = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_event),       cmocka_unit_test(test_shared_feed),
        cmocka_unit_test(test_feed_hash_mismatch), cmocka_unit_test(test_feed_rfc_manifest),
        cmocka_unit_test(test_roundtrip),          cmocka_unit_test(test_synthetic),
        cmocka_unit_test(test_bare_and_broken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
