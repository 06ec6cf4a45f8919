/* test_import_util.c — the importers' building blocks: the streaming JSON
 * splitter (chunk boundaries, strings, depth, truncation), the fast JSON
 * reader against jansson (what it accepts, the compact text), strict STIX
 * timestamps, UUIDv5 ids, the TLP helpers (against ../shared/intel/tlp.json
 * and the spec's marking objects), the MISP/CSV type → pattern table and the
 * CSV column mapping.
 */
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/import/import_id.h"
#include "intel/import/import_mem.h"
#include "intel/import/import_time.h"
#include "intel/import/intel_import.h"
#include "intel/import/json_doc.h"
#include "intel/import/json_split.h"
#include "intel/import/misp_types.h"

#include <cmocka.h>

static const char *shared_dir = "../shared";

/* --- Splitter ------------------------------------------------------------ */

struct emitted {
    char text[16][256];
    char type[16][64];
    uint64_t offset[16], line[16];
    size_t n;
};

static enum json_split_action bundle_classify(void *ctx, const struct json_split_value *v)
{
    (void)ctx;
    if (v->depth == 0)
        return JSON_SPLIT_DESCEND;
    if (v->depth == 1)
        return strcmp(v->levels[0].key, "objects") == 0 ? JSON_SPLIT_DESCEND : JSON_SPLIT_SKIP;
    return JSON_SPLIT_EMIT;
}

static int bundle_value(void *ctx, const struct json_split_value *v)
{
    struct emitted *e = ctx;
    assert_true(e->n < 16);
    assert_non_null(v->text);
    snprintf(e->text[e->n], sizeof e->text[0], "%.*s", (int)v->len, v->text);
    snprintf(e->type[e->n], sizeof e->type[0], "%s", v->type);
    e->offset[e->n] = v->offset;
    e->line[e->n] = v->line;
    e->n++;
    return 0;
}

static const char tricky[] = "\xef\xbb\xbf{\"type\": \"bundle\", \"x\": [\"]\", {\"}\": 1}],\n"
                             " \"objects\": [\n"
                             "  {\"a\": \"\\\"}]\", \"type\": \"indicator\", \"n\": [[{}]]},\n"
                             "  {\"nested\": {\"type\": \"inner\"}, \"type\" : \"malware\"},\n"
                             "  \"str\", 12.5e3, true, null,\n"
                             "  {\"b\": \"\\\\\", \"type\": \"x\\\"y\"}\n"
                             " ], \"id\": \"bundle--1\"}\n";

static void split_in_chunks(size_t chunk, struct emitted *e)
{
    struct json_split s;
    struct json_split_callbacks cb = {bundle_classify, bundle_value};
    json_split_init(&s, &cb, e, 1024);
    size_t len = strlen(tricky);
    for (size_t at = 0; at < len; at += chunk) {
        size_t n = len - at < chunk ? len - at : chunk;
        assert_int_equal(json_split_feed(&s, (const uint8_t *)tricky + at, n), 0);
    }
    assert_int_equal(json_split_finish(&s), 0);
    json_split_fini(&s);
}

static void test_split_chunks(void **state)
{
    (void)state;
    struct emitted whole, bytes;
    memset(&whole, 0, sizeof whole);
    memset(&bytes, 0, sizeof bytes);
    split_in_chunks(1 << 20, &whole);
    split_in_chunks(1, &bytes);
    assert_int_equal(whole.n, 7);
    assert_string_equal(whole.text[0],
                        "{\"a\": \"\\\"}]\", \"type\": \"indicator\", \"n\": [[{}]]}");
    assert_string_equal(whole.type[0], "indicator");
    assert_string_equal(whole.type[1], "malware"); /* not the nested "inner" */
    assert_string_equal(whole.text[2], "\"str\"");
    assert_string_equal(whole.text[3], "12.5e3");
    assert_string_equal(whole.text[4], "true");
    assert_string_equal(whole.text[5], "null");
    assert_string_equal(whole.type[6], "x\\\"y");
    assert_int_equal(whole.line[0], 3);
    assert_int_equal(whole.line[6], 6);
    assert_int_equal(whole.offset[0], strstr(tricky, "{\"a\"") - tricky);
    for (size_t i = 0; i < whole.n; i++) {
        assert_string_equal(whole.text[i], bytes.text[i]);
        assert_string_equal(whole.type[i], bytes.type[i]);
        assert_int_equal(whole.offset[i], bytes.offset[i]);
        assert_int_equal(whole.line[i], bytes.line[i]);
    }
    assert_int_equal(bytes.n, whole.n);
}

/* Long strings with escapes and newlines at every offset modulo 8 (the
 * splitter skips string bytes eight at a time): fed whole and in odd
 * chunks, the objects, types and lines are the same. */
static void test_split_long_strings(void **state)
{
    (void)state;
    char text[8192];
    size_t len = (size_t)snprintf(text, sizeof text, "{\"objects\": [\n");
    for (int k = 0; k < 12; k++)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "{\"type\": \"t%d\", \"s\": \"%.*sa\\\"b\\\\\\\\c\nd%.*s\\\\\"},\n",
                                k, k, "xxxxxxxxxxxx", 11 - k, "yyyyyyyyyyyy");
    len += (size_t)snprintf(text + len, sizeof text - len, "{\"type\": \"end\"}]}");
    static const size_t chunks[] = {1 << 20, 1, 3, 7, 9, 13};
    struct emitted first;
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        struct emitted e;
        memset(&e, 0, sizeof e);
        struct json_split s;
        struct json_split_callbacks cb = {bundle_classify, bundle_value};
        json_split_init(&s, &cb, &e, 1024);
        for (size_t at = 0; at < len; at += chunks[c]) {
            size_t n = len - at < chunks[c] ? len - at : chunks[c];
            assert_int_equal(json_split_feed(&s, (const uint8_t *)text + at, n), 0);
        }
        assert_int_equal(json_split_finish(&s), 0);
        json_split_fini(&s);
        assert_int_equal(e.n, 13);
        assert_string_equal(e.type[5], "t5");
        assert_string_equal(e.type[12], "end");
        assert_int_equal(e.line[12], 26); /* one newline inside each string */
        if (c == 0) {
            first = e;
            continue;
        }
        for (size_t i = 0; i < e.n; i++) {
            assert_string_equal(e.text[i], first.text[i]);
            assert_int_equal(e.line[i], first.line[i]);
            assert_int_equal(e.offset[i], first.offset[i]);
        }
    }
}

/* --- Fast JSON reader ----------------------------------------------------- */

/* When the strict reading accepts text, jansson accepts it too and writes
 * the same compact text; the trusted reading takes whatever jansson writes.
 * Returns the strict reading's code. */
static int doc_check(struct json_doc *d, const char *text, size_t len)
{
    json_error_t je;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    int rc = json_doc_parse(d, text, len, 0);
    if (rc == 0) {
        if (!j)
            fail_msg("accepted, jansson refuses (%s): %.*s", je.text, (int)len, text);
        char *dump = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        if (strcmp(dump, d->compact) != 0)
            fail_msg("compact text: %s, jansson: %s", d->compact, dump);
        free(dump);
    }
    if (j) {
        char *dump = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        struct json_doc t;
        json_doc_init(&t);
        assert_int_equal(json_doc_parse(&t, dump, strlen(dump), JSON_DOC_TRUSTED), 0);
        json_doc_fini(&t);
        free(dump);
        json_decref(j);
    }
    return rc;
}

static void test_doc_against_jansson(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc; /* strict: 0 accepted, 1 refused */
    } cases[] = {
        {"{\"a\":\"\\u00e9\\ud83d\\ude00\\/\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\\u0022\"}", 0},
        {"{ \"a\" : [ 1 , -2 , 0 , 123456789012345678 ] , \"b\" : { \"\" : [ ] } }", 0},
        {"{\"a\":\"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80 \x7f\",\"b\":true,\"c\":null}", 0},
        {"[1.5]", 1},                  /* reals: jansson writes them its own way */
        {"[1e5]", 1},                  /* (valid: the trusted reading takes them) */
        {"[-0]", 1},                   /* written "0" by jansson */
        {"[1234567890123456789]", 1},  /* 19 digits */
        {"[99999999999999999999]", 1}, /* too big for jansson */
        {"{\"a\":1,\"a\":2}", 1},      /* duplicate keys, at any depth */
        {"[{\"x\":{\"\":1,\"\":2}}]", 1},
        {"{\"a\":\"\\ud800\"}", 1}, /* lone surrogates */
        {"{\"a\":\"\\udc00x\"}", 1},
        {"{\"a\":\"\\u0000\"}", 1},          /* NUL */
        {"{\"a\":\"\xc0\x80\"}", 1},         /* overlong */
        {"{\"a\":\"\xed\xa0\x80\"}", 1},     /* an encoded surrogate */
        {"{\"a\":\"\xf4\x90\x80\x80\"}", 1}, /* past U+10FFFF */
        {"{\"a\":\"\x01\"}", 1},             /* a raw control character */
        {"[01]", 1},
        {"[1,]", 1},
        {"{\"a\"}", 1},
        {"[tru]", 1},
        {"[truefalse]", 1},
        {"{\"a\":1}x", 1},
        {"", 1},
        {"{\"a\":\"\\x\"}", 1},
        {"{\"a\":\"\\u12\"}", 1},
        {"\"top\"", 0},
        {"7", 0},
        {"[]", 0},
        {"{}", 0},
    };
    struct json_doc d;
    json_doc_init(&d);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = doc_check(&d, cases[i].text, strlen(cases[i].text));
        if ((rc == 0) != (cases[i].rc == 0))
            fail_msg("case %zu: %s: %d", i, cases[i].text, rc);
    }
    /* Deep nesting and many members go to jansson. */
    char deep[600];
    memset(deep, '[', 300);
    memset(deep + 300, ']', 300);
    assert_int_equal(doc_check(&d, deep, 600), -EINVAL);
    char many[2048];
    size_t n = (size_t)snprintf(many, sizeof many, "{");
    for (int k = 0; k < 65; k++)
        n += (size_t)snprintf(many + n, sizeof many - n, "%s\"k%d\":%d", k ? "," : "", k, k);
    n += (size_t)snprintf(many + n, sizeof many - n, "}");
    assert_int_equal(doc_check(&d, many, n), -EINVAL);
    /* Mutations of valid objects: whatever is accepted, jansson agrees. */
    static const char alphabet[] = "{}[]\",:\\u0123456789abcdefABCDEF-+.eE tfnrlsx\n\t\x01\x80"
                                   "\xc3\xa9\xed\xf0\xff/";
    unsigned seed = 12345;
    size_t accepted = 0;
    for (int it = 0; it < 20000; it++) {
        const char *base = cases[it % 3].text;
        char buf[512];
        size_t len = strlen(base);
        memcpy(buf, base, len);
        for (int m = 0; m < 1 + it % 3; m++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            char c = alphabet[(seed >> 20) % (sizeof alphabet - 1)];
            if (seed & 1) {
                buf[at] = c;
            } else if (len < sizeof buf - 1) {
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = c;
                len++;
            }
        }
        accepted += doc_check(&d, buf, len) == 0;
    }
    assert_true(accepted > 100);
    json_doc_fini(&d);
}

static void test_doc_access(void **state)
{
    (void)state;
    struct json_doc d;
    json_doc_init(&d);
    const char *text = "{\"type\":\"indicator\",\"n\":-42,\"t\":true,\"z\":null,\"\":\"empty\","
                       "\"l\":[\"a\",{\"k\":\"v\"},7],\"o\":{}}";
    assert_int_equal(json_doc_parse(&d, text, strlen(text), 0), 0);
    assert_string_equal(d.compact, text);
    const struct json_doc_node *root = json_doc_root(&d);
    assert_true(json_doc_is(root, JSON_DOC_OBJECT));
    assert_string_equal(json_doc_get_str(&d, root, "type"), "indicator");
    assert_int_equal(json_doc_int(json_doc_get(&d, root, "n")), -42);
    assert_true(json_doc_is(json_doc_get(&d, root, "t"), JSON_DOC_TRUE));
    assert_true(json_doc_is(json_doc_get(&d, root, "z"), JSON_DOC_NULL));
    assert_string_equal(json_doc_get_str(&d, root, ""), "empty");
    assert_null(json_doc_get(&d, root, "missing"));
    assert_null(json_doc_get_str(&d, root, "n")); /* not a string */
    assert_int_equal(json_doc_int(json_doc_get(&d, root, "type")), 0);
    const struct json_doc_node *l = json_doc_get(&d, root, "l");
    const struct json_doc_node *e = json_doc_first(&d, l);
    assert_string_equal(json_doc_str(&d, e), "a");
    e = json_doc_next(&d, e);
    assert_string_equal(json_doc_get_str(&d, e, "k"), "v");
    e = json_doc_next(&d, e);
    assert_int_equal(json_doc_int(e), 7);
    assert_null(json_doc_next(&d, e));
    assert_null(json_doc_first(&d, json_doc_get(&d, root, "o")));
    assert_null(json_doc_get(&d, l, "k")); /* not an object */
    /* The trusted reading: reals keep their text, nesting has no limit. */
    const char *real = "{\"r\":[1.5,-2e+300,0.10000000000000001],\"i\":9223372036854775807}";
    assert_int_equal(json_doc_parse(&d, real, strlen(real), JSON_DOC_TRUSTED), 0);
    root = json_doc_root(&d);
    e = json_doc_first(&d, json_doc_get(&d, root, "r"));
    assert_true(json_doc_is(e, JSON_DOC_REAL));
    assert_string_equal(d.strings + e->v.str.at, "1.5");
    assert_int_equal(json_doc_int(json_doc_get(&d, root, "i")), INT64_MAX);
    json_doc_fini(&d);
}

/* Records each value's length, plus 100000 when it came without text. */
static int sized_value(void *ctx, const struct json_split_value *v)
{
    void **c = ctx;
    size_t *sizes = c[0], *n = c[1];
    sizes[(*n)++] = v->len + (v->text ? 0 : 100000);
    return 0;
}

static int split_text(const char *text, size_t max, struct emitted *e, struct json_split *s)
{
    struct json_split_callbacks cb = {bundle_classify, bundle_value};
    json_split_init(s, &cb, e, max);
    int rc = json_split_feed(s, (const uint8_t *)text, strlen(text));
    if (rc == 0)
        rc = json_split_finish(s);
    return rc;
}

static void test_split_errors(void **state)
{
    (void)state;
    struct emitted e;
    struct json_split s;
    memset(&e, 0, sizeof e);
    /* Truncated inside a string: the values before are kept. */
    assert_int_equal(split_text("{\"objects\": [{\"a\": 1}, {\"b\": \"unterminated", 1024, &e, &s),
                     -EINVAL);
    assert_int_equal(e.n, 1);
    assert_non_null(strstr(s.error, "inside a string"));
    assert_non_null(strstr(s.error, "truncated"));
    json_split_fini(&s);
    /* Structure broken at the level the splitter reads. */
    memset(&e, 0, sizeof e);
    assert_int_equal(split_text("{\"objects\": [{\"a\": 1} {\"b\": 2}]}", 1024, &e, &s), -EINVAL);
    assert_int_equal(e.n, 1);
    assert_int_equal(s.error_offset, 22);
    assert_non_null(strstr(s.error, "expected ',' or ']'"));
    json_split_fini(&s);
    /* Too large (whole, and across chunks): no text, its length; the next comes. */
    for (size_t chunk = 1; chunk <= 64; chunk *= 64) {
        size_t sizes[4] = {0}, n = 0;
        struct json_split_callbacks cb = {bundle_classify, sized_value};
        void *ctx[2] = {sizes, &n};
        json_split_init(&s, &cb, ctx, 8);
        const char *t = "{\"objects\":[{\"a\":\"0123456789\"},{\"b\":1}]}";
        for (size_t at = 0; at < strlen(t); at += chunk)
            assert_int_equal(json_split_feed(&s, (const uint8_t *)t + at,
                                             strlen(t) - at < chunk ? strlen(t) - at : chunk),
                             0);
        assert_int_equal(json_split_finish(&s), 0);
        assert_int_equal(n, 2);
        assert_int_equal(sizes[0], 100018); /* too large: 100000 + length */
        assert_int_equal(sizes[1], 7);
        assert_true(s.buf_peak <= 8);
        json_split_fini(&s);
    }
    assert_int_equal(split_text("", 16, &e, &s), -EINVAL);
    assert_non_null(strstr(s.error, "no JSON value"));
    json_split_fini(&s);
    assert_int_equal(split_text("{} x", 16, &e, &s), -EINVAL);
    assert_non_null(strstr(s.error, "after the end"));
    json_split_fini(&s);
}

static void test_split_deep(void **state)
{
    (void)state;
    /* 100,000 '[' at the top, then inside one object: no recursion, clear errors. */
    size_t depth = 100000;
    char *text = malloc(depth * 2 + 64);
    memset(text, '[', depth);
    text[depth] = '\0';
    struct emitted e;
    memset(&e, 0, sizeof e);
    struct json_split s;
    assert_int_equal(split_text(text, 1 << 20, &e, &s), -EINVAL);
    assert_non_null(strstr(s.error, "truncated"));
    json_split_fini(&s);
    strcpy(text, "{\"objects\":[{\"deep\":");
    size_t at = strlen(text);
    memset(text + at, '[', depth);
    memset(text + at + depth, ']', depth);
    strcpy(text + at + 2 * depth, "},{\"ok\":1}]}");
    memset(&e, 0, sizeof e);
    struct json_split_callbacks cb = {bundle_classify, NULL};
    json_split_init(&s, &cb, &e, 1 << 20);
    assert_int_equal(json_split_feed(&s, (const uint8_t *)text, strlen(text)), 0);
    assert_int_equal(json_split_finish(&s), 0);
    assert_true(s.max_value_seen > 2 * depth);
    json_split_fini(&s);
    free(text);
}

/* --- Timestamps, ids ----------------------------------------------------- */

static void test_time(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(import_time_parse_stix("1970-01-01T00:00:00Z", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(import_time_parse_stix("2016-05-12T08:17:27.000Z", &t), 0);
    assert_int_equal(t, 1463041047000000LL);
    assert_int_equal(import_time_parse_stix("2024-02-29T23:59:59.123456789Z", &t), 0);
    assert_int_equal(t % 1000000, 123456);
    static const char *const bad[] = {
        "2022-101-27T13:49:54.326Z", /* tlp.json hazard */
        "2023-02-29T00:00:00Z",      "2016-05-12T08:17:27",       "2016-05-12 08:17:27Z",
        "2016-05-12T08:17:27.Z",     "2016-05-12T08:17:27+00:00", "2016-13-01T00:00:00Z",
        "2016-05-12T24:00:00Z",      "2016-05-12T08:17:27Zx",     "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(import_time_parse_stix(bad[i], &t), -EINVAL);
    assert_int_equal(import_time_parse_stix(NULL, &t), -EINVAL);
    assert_int_equal(import_time_parse_iso("2019-06-19T18:33:44.123456+02:00", &t), 0);
    int64_t z;
    assert_int_equal(import_time_parse_stix("2019-06-19T16:33:44.123456Z", &z), 0);
    assert_int_equal(t, z);
    assert_int_equal(import_time_parse_epoch("1513948642", &t), 0);
    assert_int_equal(t, 1513948642000000LL);
    assert_int_equal(import_time_parse_epoch("15x", &t), -EINVAL);
    char text[IMPORT_TIME_TEXT_MAX];
    import_time_format(1463041047000000LL, text);
    assert_string_equal(text, "2016-05-12T08:17:27.000Z");
    import_time_format(z, text);
    assert_string_equal(text, "2019-06-19T16:33:44.123456Z");
    import_time_format(-1, text);
    assert_string_equal(text, "1969-12-31T23:59:59.999999Z");
}

static void test_ids(void **state)
{
    (void)state;
    char u[IMPORT_ID_UUID_LEN + 1];
    /* Python: uuid.uuid5(UUID(IMPORT_ID_NAMESPACE), "list.txt\nip\n10.0.0.1") */
    const char *name = "list.txt\nip\n10.0.0.1";
    assert_int_equal(import_id_uuid5(name, strlen(name), u), 0);
    assert_string_equal(u, "8ac06761-e8ff-5cd8-93bf-1b6de1501ec2");
    assert_true(import_id_is_stix("indicator--8ac06761-e8ff-5cd8-93bf-1b6de1501ec2", "indicator"));
    assert_false(import_id_is_stix("indicator--8ac06761-e8ff-5cd8-93bf-1b6de1501ec", "indicator"));
    assert_false(import_id_is_stix("malware--8ac06761-e8ff-5cd8-93bf-1b6de1501ec2", "indicator"));
    assert_false(import_id_is_stix("indicator-8ac06761-e8ff-5cd8-93bf-1b6de1501ec2", NULL));
    assert_false(import_id_is_stix("--8ac06761-e8ff-5cd8-93bf-1b6de1501ec2", NULL));
    assert_false(import_id_is_uuid("8ac06761xe8ff-5cd8-93bf-1b6de1501ec2", 36));
}

/* --- TLP ----------------------------------------------------------------- */

static json_t *load_shared(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", shared_dir, rel);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j)
        fprintf(stderr, "%s: %s\n", path, je.text);
    assert_non_null(j);
    return j;
}

static void test_tlp_table(void **state)
{
    (void)state;
    json_t *tlp = load_shared("intel/tlp.json");
    size_t i;
    json_t *m;
    size_t known = 0;
    json_array_foreach(json_object_get(tlp, "markings"), i, m)
    {
        enum intel_tlp t;
        assert_int_equal(intel_tlp_from_marking_id(json_string_value(json_object_get(m, "id")), &t),
                         0);
        assert_int_equal((int)t, (int)json_integer_value(json_object_get(m, "rank")));
        enum intel_tlp by_name;
        assert_int_equal(intel_tlp_parse(json_string_value(json_object_get(m, "level")), &by_name),
                         0);
        assert_int_equal(by_name, t);
        known++;
    }
    assert_int_equal(known, 10);
    /* Hazards: the bogus ids are unknown; a real id reused for a statement
     * marking stays what its value says. */
    json_array_foreach(json_object_get(tlp, "hazards"), i, m)
    {
        const char *id = json_string_value(json_object_get(m, "id"));
        enum intel_tlp t;
        if (!id)
            continue;
        if (!strcmp(id, "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da")) {
            assert_int_equal(intel_tlp_from_marking_id(id, &t), 0);
            assert_int_equal(t, INTEL_TLP_GREEN);
        } else {
            assert_int_equal(intel_tlp_from_marking_id(id, &t), -ENOENT);
        }
    }
    /* MISP tag → id map: the tag's level is the id's level. */
    const char *tag;
    json_t *id;
    json_object_foreach(json_object_get(json_object_get(tlp, "misp_tag_to_stix21_marking"), "map"),
                        tag, id)
    {
        enum intel_tlp a, b;
        assert_int_equal(intel_tlp_from_tag(tag, &a), 0);
        assert_int_equal(intel_tlp_from_marking_id(json_string_value(id), &b), 0);
        assert_int_equal(a, b);
    }
    json_decref(tlp);
}

static void test_tlp_spec_objects(void **state)
{
    (void)state;
    json_t *b = load_shared("intel/stix-bundles/spec-examples.json");
    size_t i, tlp_objects = 0;
    json_t *o;
    json_array_foreach(json_object_get(b, "objects"), i, o)
    {
        if (strcmp(json_string_value(json_object_get(o, "type")), "marking-definition") != 0)
            continue;
        const char *id = json_string_value(json_object_get(o, "id"));
        const char *name = json_string_value(json_object_get(o, "name"));
        enum intel_tlp t;
        if (!name || strncmp(name, "TLP:", 4) != 0) {
            assert_int_equal(intel_tlp_from_marking_id(id, &t), -ENOENT); /* statement */
            continue;
        }
        enum intel_tlp by_name;
        assert_int_equal(intel_tlp_parse(name, &by_name), 0);
        assert_int_equal(intel_tlp_from_marking_id(id, &t), 0);
        assert_int_equal(t, by_name);
        tlp_objects++;
    }
    assert_int_equal(tlp_objects, 9);
    json_decref(b);
}

static void test_tlp_helpers(void **state)
{
    (void)state;
    enum intel_tlp t;
    assert_string_equal(intel_tlp_name(INTEL_TLP_AMBER_STRICT), "amber+strict");
    assert_string_equal(intel_tlp_name(INTEL_TLP_CLEAR), "clear");
    assert_int_equal(intel_tlp_from_tag("TLP:AMBER+STRICT", &t), 0);
    assert_int_equal(t, INTEL_TLP_AMBER_STRICT);
    assert_int_equal(intel_tlp_from_tag("tlp:white", &t), 0);
    assert_int_equal(t, INTEL_TLP_CLEAR);
    assert_int_equal(intel_tlp_from_tag("tlp:ex:chr", &t), -EINVAL);
    assert_int_equal(intel_tlp_from_tag("osint:source-type=\"blog-post\"", &t), -ENOENT);
    assert_int_equal(intel_tlp_parse("white", &t), 0);
    assert_int_equal(t, INTEL_TLP_CLEAR);
    assert_int_equal(intel_tlp_parse("TLP:RED", &t), 0);
    assert_int_equal(t, INTEL_TLP_RED);
    assert_int_equal(intel_tlp_parse("purple", &t), -ENOENT);
    for (int k = INTEL_TLP_CLEAR; k <= INTEL_TLP_RED; k++) {
        assert_int_equal(intel_tlp_from_marking_id(intel_tlp_marking_id((enum intel_tlp)k), &t), 0);
        assert_int_equal(t, k);
    }
}

/* --- Types → patterns ---------------------------------------------------- */

static void test_type_patterns(void **state)
{
    (void)state;
    static const struct {
        const char *type, *value, *pattern;
    } ok[] = {
        {"ip-dst", "5.6.7.8", "[network-traffic:dst_ref.value = '5.6.7.8']"},
        {"ip-src", "2001:DB8:0::1", "[network-traffic:src_ref.value = '2001:db8::1']"},
        {"ip-dst", "10.1.2.3/8", "[network-traffic:dst_ref.value ISSUBSET '10.0.0.0/8']"},
        {"ip-dst|port", "5.6.7.8|5678",
         "[network-traffic:dst_ref.value = '5.6.7.8' AND network-traffic:dst_port = 5678]"},
        {"ip", "192.0.2.1", "[ipv4-addr:value = '192.0.2.1']"},
        {"cidr", "2001:db8::/32", "[ipv6-addr:value ISSUBSET '2001:db8::/32']"},
        {"hostname", "Circl.LU.", "[domain-name:value = 'circl.lu']"},
        {"hostname|port", "circl.lu|8443",
         "[domain-name:value = 'circl.lu' AND network-traffic:dst_port = 8443]"},
        {"domain|ip", "circl.lu|149.13.33.14",
         "[domain-name:value = 'circl.lu' OR ipv4-addr:value = '149.13.33.14']"},
        {"url", "http://x.example/it's\\here", "[url:value = 'http://x.example/it\\'s\\\\here']"},
        {"email-src", "src@email.test", "[email-addr:value = 'src@email.test']"},
        {"md5", "B2A5ABFEEF9E36964281A31E17B57C97",
         "[file:hashes.MD5 = 'b2a5abfeef9e36964281a31e17b57c97']"},
        {"filename|sha256",
         "a|b.exe|7fa3abc229fd3cb9a0a6f07d9da15e35528c630d0ad5902d5422b305cae7eaa4",
         "[file:hashes.'SHA-256' = "
         "'7fa3abc229fd3cb9a0a6f07d9da15e35528c630d0ad5902d5422b305cae7eaa4']"},
        {"x509-fingerprint-sha1", "46:AB:A9:9A:A7:15:8E:46:09:AA:A7:2B:50:99:08:42:FD:22:AE:86",
         "[x509-certificate:hashes.'SHA-1' = '46aba99aa7158e4609aaa72b50990842fd22ae86']"},
        {"ja3-fingerprint-md5", "E7D705A3286E19EA42F587B344EE6865",
         "[x-tls-fingerprint:ja3 = 'e7d705a3286e19ea42f587b344ee6865']"},
        {"ja3s", "ae4edc6faf64d08308082ad26be60767",
         "[x-tls-fingerprint:ja3s = 'ae4edc6faf64d08308082ad26be60767']"},
        {"ja4", "t13d1516h2_8daaf6152771_02713d6af862",
         "[x-tls-fingerprint:ja4 = 't13d1516h2_8daaf6152771_02713d6af862']"},
        {"AS", "AS174", "[autonomous-system:number = 174]"},
        {"user-agent", "Mozilla 'X'",
         "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = "
         "'Mozilla \\'X\\'']"},
    };
    struct strbuf p, n;
    strbuf_init(&p);
    strbuf_init(&n);
    const char *why;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        const struct misp_type *t = misp_type_find(ok[i].type);
        assert_non_null(t);
        assert_int_equal(misp_type_pattern(t, ok[i].value, &p, &n, &why), 0);
        assert_string_equal(strbuf_cstr(&p), ok[i].pattern);
    }
    static const struct {
        const char *type, *value;
    } bad[] = {
        {"ip-dst", "1.2.3.999"}, {"ip-dst|port", "1.2.3.4|70000"},
        {"md5", "abc"},          {"domain", "bad domain"},
        {"email", "no-at"},      {"ja3", "zz"},
        {"AS", "ASX"},           {"url", "http://a\x01"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(misp_type_pattern(misp_type_find(bad[i].type), bad[i].value, &p, &n, &why),
                         -EINVAL);
        assert_non_null(why);
    }
    assert_int_equal(misp_type_class(misp_type_find("regkey")), MISP_CLASS_HOST);
    assert_int_equal(misp_type_class(misp_type_find("yara")), MISP_CLASS_RULE);
    assert_int_equal(misp_type_class(misp_type_find("no-such-type")), MISP_CLASS_UNKNOWN);
    assert_string_equal(misp_type_name(misp_type_guess("10.0.0.0/8")), "ip");
    assert_string_equal(misp_type_name(misp_type_guess("d41d8cd98f00b204e9800998ecf8427e")), "md5");
    assert_string_equal(misp_type_name(misp_type_guess("https://a.example/")), "url");
    assert_string_equal(misp_type_name(misp_type_guess("a@b.example")), "email");
    assert_string_equal(misp_type_name(misp_type_guess("b.example")), "domain");
    assert_null(misp_type_guess("1.2.3.999"));
    assert_null(misp_type_guess("hello"));
    strbuf_fini(&p);
    strbuf_fini(&n);
}

static void test_csv_columns(void **state)
{
    (void)state;
    struct intel_import_options o;
    intel_import_options_default(&o);
    assert_int_equal(intel_import_csv_columns(&o.csv, "value=2,type=1,comment=4"), 0);
    assert_int_equal(o.csv.value_column, 2);
    assert_int_equal(o.csv.type_column, 1);
    assert_int_equal(o.csv.comment_column, 4);
    assert_int_equal(intel_import_csv_columns(&o.csv, "value=ioc,type=-1"), 0);
    assert_string_equal(o.csv.value_name, "ioc");
    assert_int_equal(o.csv.type_column, -1);
    assert_int_equal(intel_import_csv_columns(&o.csv, "value=-1"), -EINVAL);
    assert_int_equal(intel_import_csv_columns(&o.csv, "colour=2"), -EINVAL);
    assert_int_equal(intel_import_csv_columns(&o.csv, "value"), -EINVAL);
    assert_int_equal(intel_import_csv_columns(&o.csv, ""), -EINVAL);
    assert_string_equal(o.csv.value_name, "ioc"); /* unchanged by a bad spec */
}

int main(int argc, char **argv)
{
    if (argc > 1)
        shared_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_chunks),
        cmocka_unit_test(test_split_errors),
        cmocka_unit_test(test_split_deep),
        cmocka_unit_test(test_split_long_strings),
        cmocka_unit_test(test_doc_against_jansson),
        cmocka_unit_test(test_doc_access),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_tlp_table),
        cmocka_unit_test(test_tlp_spec_objects),
        cmocka_unit_test(test_tlp_helpers),
        cmocka_unit_test(test_type_patterns),
        cmocka_unit_test(test_csv_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
