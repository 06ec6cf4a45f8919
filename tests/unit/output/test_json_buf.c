/* test_json_buf.c — JSON writer: escaping, UTF-8 handling, nesting, numbers.
 * Every document is also parsed back with jansson as an independent check
 * that the text is valid JSON and decodes to what was written. */
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "output/json_buf.h"

#include <cmocka.h>

/* One string value in an array, as text. */
static const char *string_json(struct json_buf *b, const void *s, size_t n)
{
    json_buf_reset(b);
    json_buf_open_array(b, NULL);
    json_buf_string_n(b, NULL, s, n);
    json_buf_close_array(b);
    assert_true(json_buf_ok(b));
    return b->data;
}

/* Parses text with jansson; returns the first array element's string. */
static void assert_parses_to(const char *text, const char *want, size_t want_len)
{
    json_error_t err;
    json_t *doc = json_loads(text, JSON_ALLOW_NUL, &err);
    if (!doc)
        fail_msg("jansson rejects %s: %s", text, err.text);
    json_t *s = json_array_get(doc, 0);
    assert_true(json_is_string(s));
    assert_int_equal(json_string_length(s), want_len);
    assert_memory_equal(json_string_value(s), want, want_len);
    json_decref(doc);
}

static void test_escapes(void **state)
{
    (void)state;
    struct json_buf b;
    json_buf_init(&b);
    const char ctl[] = "\x01\b\f\n\r\t\x1f\x7f";
    assert_string_equal(string_json(&b, ctl, sizeof(ctl) - 1),
                        "[\"\\u0001\\b\\f\\n\\r\\t\\u001f\x7f\"]");
    assert_parses_to(b.data, ctl, sizeof(ctl) - 1);

    const char q[] = "say \"hi\" \\ / ok";
    assert_string_equal(string_json(&b, q, sizeof(q) - 1), "[\"say \\\"hi\\\" \\\\ / ok\"]");
    assert_parses_to(b.data, q, sizeof(q) - 1);

    const char nul[] = {'a', 0, 'b'};
    assert_string_equal(string_json(&b, nul, 3), "[\"a\\u0000b\"]");
    assert_parses_to(b.data, nul, 3);

    assert_string_equal(string_json(&b, "", 0), "[\"\"]");
    json_buf_fini(&b);
}

static void test_utf8_valid(void **state)
{
    (void)state;
    struct json_buf b;
    json_buf_init(&b);
    static const char *const ok[] = {
        "caf\xc3\xa9",             /* 2 bytes */
        "\xe2\x82\xac 5",          /* 3 bytes: euro sign */
        "\xef\xbf\xbf",            /* U+FFFF */
        "\xed\x9f\xbf",            /* U+D7FF, just below the surrogates */
        "smile \xf0\x9f\x98\x80!", /* 4 bytes */
        "\xf4\x8f\xbf\xbf",        /* U+10FFFF, the last code point */
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char want[64];
        snprintf(want, sizeof(want), "[\"%s\"]", ok[i]);
        assert_string_equal(string_json(&b, ok[i], strlen(ok[i])), want);
        assert_parses_to(b.data, ok[i], strlen(ok[i]));
    }
    json_buf_fini(&b);
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    struct json_buf b;
    json_buf_init(&b);
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"\xff", "[\"\\u00ff\"]"},
        {"\x80", "[\"\\u0080\"]"},                                  /* stray continuation */
        {"\xc0\xaf", "[\"\\u00c0\\u00af\"]"},                       /* overlong '/' */
        {"\xe0\x80\xaf", "[\"\\u00e0\\u0080\\u00af\"]"},            /* overlong */
        {"\xed\xa0\x80", "[\"\\u00ed\\u00a0\\u0080\"]"},            /* surrogate U+D800 */
        {"\xf4\x90\x80\x80", "[\"\\u00f4\\u0090\\u0080\\u0080\"]"}, /* > U+10FFFF */
        {"\xf5\x80\x80\x80", "[\"\\u00f5\\u0080\\u0080\\u0080\"]"},
        {"a\xe2\x82", "[\"a\\u00e2\\u0082\"]"},          /* truncated at end */
        {"a\xe2\x28\xa1z", "[\"a\\u00e2(\\u00a1z\"]"},   /* bad continuation */
        {"\xf0\x9f\x98", "[\"\\u00f0\\u009f\\u0098\"]"}, /* 4-byte, cut short */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *text = string_json(&b, cases[i].in, strlen(cases[i].in));
        assert_string_equal(text, cases[i].out);
        json_error_t err;
        json_t *doc = json_loads(text, 0, &err);
        assert_non_null(doc);
        json_decref(doc);
    }
    json_buf_fini(&b);
}

static void test_nesting_and_commas(void **state)
{
    (void)state;
    struct json_buf b;
    json_buf_init(&b);
    for (int round = 0; round < 2; round++) {
        json_buf_open_object(&b, NULL);
        json_buf_string(&b, "a", "x");
        json_buf_open_array(&b, "list");
        json_buf_u64(&b, NULL, 1);
        json_buf_open_object(&b, NULL);
        json_buf_bool(&b, "t", true);
        json_buf_bool(&b, "f", false);
        json_buf_close_object(&b);
        json_buf_open_array(&b, NULL);
        json_buf_close_array(&b);
        json_buf_close_array(&b);
        json_buf_open_object(&b, "empty");
        json_buf_close_object(&b);
        json_buf_raw(&b, "raw", "\"2024\"", 6);
        json_buf_string(&b, "k\"ey", "v");
        json_buf_close_object(&b);
        json_buf_newline(&b);
    }
    const char *line = "{\"a\":\"x\",\"list\":[1,{\"t\":true,\"f\":false},[]],\"empty\":{},"
                       "\"raw\":\"2024\",\"k\\\"ey\":\"v\"}\n";
    char want[256];
    snprintf(want, sizeof(want), "%s%s", line, line);
    assert_true(json_buf_ok(&b));
    assert_string_equal(b.data, want);
    assert_int_equal(b.len, strlen(want));

    json_buf_reset(&b);
    assert_int_equal(b.len, 0);
    json_buf_open_object(&b, NULL);
    json_buf_close_object(&b);
    assert_string_equal(b.data, "{}");
    json_buf_fini(&b);
}

static void test_misuse(void **state)
{
    (void)state;
    struct json_buf b;
    json_buf_init(&b);
    json_buf_close_object(&b);
    assert_false(json_buf_ok(&b));
    json_buf_reset(&b);
    assert_true(json_buf_ok(&b));
    for (int i = 0; i < JSON_BUF_MAX_DEPTH + 2; i++)
        json_buf_open_array(&b, NULL);
    assert_false(json_buf_ok(&b));
    json_buf_fini(&b);
}

static void test_numbers(void **state)
{
    (void)state;
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_array(&b, NULL);
    json_buf_u64(&b, NULL, 0);
    json_buf_u64(&b, NULL, UINT64_MAX);
    json_buf_i64(&b, NULL, -1);
    json_buf_i64(&b, NULL, INT64_MIN);
    json_buf_i64(&b, NULL, INT64_MAX);
    json_buf_double(&b, NULL, 0.1);
    json_buf_double(&b, NULL, 1.5);
    json_buf_double(&b, NULL, -2.0);
    json_buf_double(&b, NULL, 1e300);
    json_buf_double(&b, NULL, NAN);
    json_buf_double(&b, NULL, -INFINITY);
    json_buf_double(&b, NULL, 1.0 / 3.0);
    json_buf_close_array(&b);
    assert_string_equal(b.data, "[0,18446744073709551615,-1,-9223372036854775808,"
                                "9223372036854775807,0.1,1.5,-2,1e+300,null,null,"
                                "0.3333333333333333]");
    json_error_t err;
    /* jansson holds integers as json_int_t: drop UINT64_MAX before parsing. */
    char *big = strstr(b.data, "18446744073709551615");
    assert_non_null(big);
    memcpy(big, "                   1", 20);
    json_t *doc = json_loads(b.data, 0, &err);
    if (!doc)
        fail_msg("not JSON: %s", err.text);
    assert_true(json_real_value(json_array_get(doc, 5)) == 0.1);
    assert_true(json_real_value(json_array_get(doc, 11)) == 1.0 / 3.0);
    json_decref(doc);
    json_buf_fini(&b);
}

static void test_long_string_grows(void **state)
{
    (void)state;
    struct json_buf b;
    json_buf_init(&b);
    enum { N = 100000 };
    static char big[N];
    for (size_t i = 0; i < N; i++)
        big[i] = (char)(i % 3 == 0 ? '\n' : 'a' + (int)(i % 26));
    string_json(&b, big, N);
    assert_parses_to(b.data, big, N);
    json_buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_nesting_and_commas),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_long_string_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
