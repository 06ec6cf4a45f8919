/* test_tls_eve.c — the EVE "tls" object, read back with jansson as an
 * independent check of names, types and escaping. */
#include <jansson.h>
#include <string.h>

#include "output/json_buf.h"
#include "proto/tls/tls_eve.h"
#include "tls_test_util.h"
#include "tls_tests.h"
#include "tls_vectors.h"

static json_t *format(const struct tls_record *r)
{
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_object(&b, NULL);
    tls_eve_format(&b, r);
    json_buf_close_object(&b);
    assert_true(json_buf_ok(&b));
    json_error_t err;
    json_t *root = json_loadb(b.data, b.len, JSON_ALLOW_NUL, &err);
    if (!root)
        fail_msg("bad JSON: %s in %.*s", err.text, (int)b.len, b.data);
    json_buf_fini(&b);
    json_t *tls = json_object_get(root, "tls");
    assert_non_null(tls);
    json_incref(tls);
    json_decref(root);
    return tls;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    return json_string_value(v);
}

static void test_eve_cloudflare(void **state)
{
    (void)state;
    struct tls_capture c;
    tcap_init(&c);
    tls_run(&c, tls_vec_cloudflare_client, tls_vec_cloudflare_client_len, tls_vec_cloudflare_server,
            tls_vec_cloudflare_server_len, 0);
    json_t *t = format(c.rec);
    assert_string_equal(str(t, "sni"), "www.cloudflare.com");
    assert_string_equal(str(t, "version"), "TLS 1.2");
    assert_string_equal(str(t, "serial"), "0A:68:BB:98:4A:50:73:99:F4:71:6E:80:9A:44:A7:B0");
    assert_string_equal(str(t, "notbefore"), "2018-10-30T00:00:00");
    assert_string_equal(str(t, "notafter"), "2020-11-03T12:00:00");
    assert_string_equal(str(t, "ja4"), "t12d4605h2_85626a9a5f7f_aaf95bb78ec9");
    assert_string_equal(str(json_object_get(t, "ja3"), "hash"), "3faa4ad39f690c4ef1c3160caa375465");
    assert_string_equal(str(json_object_get(t, "ja3s"), "string"), "771,52393,0-65281-11-16");
    assert_int_equal(strlen(str(t, "fingerprint")), 59);
    assert_non_null(strstr(str(t, "issuerdn"), "CN=DigiCert ECC Extended Validation Server CA"));
    json_t *alpns = json_object_get(t, "client_alpns");
    assert_int_equal(json_array_size(alpns), 2);
    assert_string_equal(json_string_value(json_array_get(alpns, 0)), "h2");
    assert_int_equal(json_array_size(json_object_get(t, "server_alpns")), 1);
    assert_int_equal(json_array_size(json_object_get(t, "subjectaltname")), 2);
    assert_int_equal(json_integer_value(json_object_get(t, "chain_count")), 2);
    assert_null(json_object_get(t, "session_resumed")); /* only when true */
    json_decref(t);
    tcap_fini(&c);
}

static void test_eve_minimal(void **state)
{
    (void)state;
    static struct tls_record r;
    memset(&r, 0, sizeof(r));
    r.has_client_hello = true;
    r.is_session_resumed = true;
    /* an SNI with a NUL and invalid UTF-8 is escaped, not cut */
    memcpy(r.sni, "a\0b\xff", 4);
    r.sni_len = 4;
    json_t *t = format(&r);
    assert_string_equal(str(t, "version"), "UNDETERMINED");
    assert_true(json_is_true(json_object_get(t, "session_resumed")));
    /* \xff becomes \u00ff, U+00FF: two bytes in UTF-8 */
    assert_int_equal(json_string_length(json_object_get(t, "sni")), 5);
    assert_null(json_object_get(t, "subject"));
    assert_null(json_object_get(t, "ja3"));
    assert_null(json_object_get(t, "client_alpns"));
    json_decref(t);
}

static void test_version_names(void **state)
{
    (void)state;
    char buf[24];
    assert_string_equal(tls_eve_version_name(0x0300, buf), "SSLv3");
    assert_string_equal(tls_eve_version_name(0x0301, buf), "TLSv1");
    assert_string_equal(tls_eve_version_name(0x0302, buf), "TLS 1.1");
    assert_string_equal(tls_eve_version_name(0x0304, buf), "TLS 1.3");
    assert_string_equal(tls_eve_version_name(0x7f1c, buf), "TLS 1.3 draft-28");
    assert_string_equal(tls_eve_version_name(0xfb1a, buf), "TLS 1.3 draft-fb26");
    assert_string_equal(tls_eve_version_name(0, buf), "UNDETERMINED");
    assert_string_equal(tls_eve_version_name(0x1234, buf), "UNDETERMINED");
}

int tls_run_eve_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eve_cloudflare),
        cmocka_unit_test(test_eve_minimal),
        cmocka_unit_test(test_version_names),
    };
    return cmocka_run_group_tests_name("tls_eve", tests, NULL, NULL);
}
