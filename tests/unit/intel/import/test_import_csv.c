/* test_import_csv.c — CSV and plain lists: RFC 4180 quoting (across lines,
 * "" escapes), comments, CRLF, BOM, blank lines, header names, type columns,
 * fixed types (JA3/JA4 included), type guessing, defanged values, bad rows
 * with their line, and ids that stay the same on re-import.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_test.h"

#include <cmocka.h>

static struct intel_import_options opts(void)
{
    struct intel_import_options o;
    intel_import_options_default(&o);
    o.now_us = 1700000000000000;
    return o;
}

static void test_guessing(void **state)
{
    (void)state;
    const char *text = "\xef\xbb\xbf# a list\r\n"
                       "10.0.0.1\r\n"
                       "\r\n"
                       "   \r\n"
                       "192.168.1.7/16\r\n"
                       "2001:db8::1\r\n"
                       "Evil.Example.COM.\r\n"
                       "hxxps://bad[.]example/x?a=1\r\n"
                       "d41d8cd98f00b204e9800998ecf8427e\r\n"
                       "bob@example.org\r\n"
                       "not a value\r\n"
                       "1.2.3.999\r\n"
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    struct collect c = {0};
    struct intel_import *im = import_text(NULL, "list.txt", text, &c);
    assert_int_equal(c.n_inds, 8);
    assert_string_equal(c.inds[0].pattern, "[ipv4-addr:value = '10.0.0.1']");
    assert_string_equal(c.inds[0].stix_id, "indicator--8ac06761-e8ff-5cd8-93bf-1b6de1501ec2");
    assert_string_equal(c.inds[0].source, "list.txt");
    assert_int_equal(c.inds[0].tlp, INTEL_TLP_AMBER);
    assert_int_equal(c.inds[0].tlp_origin, INTEL_TLP_NONE);
    assert_int_equal(c.inds[0].created_us, 1700000000000000LL);
    assert_string_equal(c.inds[1].pattern, "[ipv4-addr:value ISSUBSET '192.168.0.0/16']");
    assert_string_equal(c.inds[2].pattern, "[ipv6-addr:value = '2001:db8::1']");
    assert_string_equal(c.inds[3].pattern, "[domain-name:value = 'evil.example.com']");
    assert_string_equal(c.inds[4].pattern, "[url:value = 'https://bad.example/x?a=1']");
    assert_string_equal(c.inds[5].pattern,
                        "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']");
    assert_string_equal(c.inds[6].pattern, "[email-addr:value = 'bob@example.org']");
    assert_string_equal(c.inds[7].pattern,
                        "[file:hashes.'SHA-256' = "
                        "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']");
    assert_int_equal(counter(im, "error.csv_bad_row"), 2);
    assert_int_equal(c.errs[0].line, 11);
    assert_non_null(strstr(c.errs[0].message, "CSV line 11"));
    assert_non_null(strstr(c.errs[0].message, "not a value"));
    assert_int_equal(c.errs[1].line, 12);
    assert_int_equal(counter(im, "csv.refanged"), 1);
    assert_int_equal(counter(im, "csv.rows"), 10);
    intel_import_free(im);
    collect_free(&c);
}

static void test_header_and_quotes(void **state)
{
    (void)state;
    const char *text = "Kind,Indicator,Seen,Note\n"
                       "domain,a.example,2024,\"first, with comma\"\n"
                       "url,\"http://b.example/q?x=\"\"1\"\"\",2024,\"two\nlines\"\n"
                       "ip-dst,198.51.100.9,2024,\n"
                       "MD5,D41D8CD98F00B204E9800998ECF8427E,2024,upper\n"
                       "regkey,HKLM\\x,2024,skipped\n"
                       "nosuchtype,x,2024,\n"
                       "domain,\"bad\"quote,2024,\n"
                       "domain,c.example,2024,last\n";
    struct intel_import_options o = opts();
    o.csv.has_header = true;
    assert_int_equal(intel_import_csv_columns(&o.csv, "value=indicator,type=kind,comment=note"), 0);
    struct collect c = {0};
    struct intel_import *im = import_text(&o, "feed.csv", text, &c);
    assert_int_equal(c.n_inds, 5);
    assert_string_equal(c.inds[0].description, "first, with comma");
    assert_string_equal(c.inds[1].pattern, "[url:value = 'http://b.example/q?x=\"1\"']");
    assert_string_equal(c.inds[1].description, "two\nlines");
    assert_string_equal(c.inds[2].pattern, "[network-traffic:dst_ref.value = '198.51.100.9']");
    assert_null(c.inds[2].description);
    assert_string_equal(c.inds[3].pattern,
                        "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']");
    assert_string_equal(c.inds[4].pattern, "[domain-name:value = 'c.example']");
    assert_int_equal(counter(im, "misp.skipped.host"), 1);
    assert_int_equal(counter(im, "error.csv_bad_row"), 2);
    assert_non_null(strstr(c.errs[0].message, "unknown type 'nosuchtype'"));
    assert_int_equal(c.errs[0].line, 8);
    assert_non_null(strstr(c.errs[1].message, "quoted field"));
    assert_int_equal(c.errs[1].line, 9);
    /* A header name that is not there: one error, nothing imported. */
    collect_free(&c);
    intel_import_free(im);
    assert_int_equal(intel_import_csv_columns(&o.csv, "value=ioc"), 0);
    im = import_text(&o, "feed.csv", text, &c);
    assert_int_equal(c.n_inds, 0);
    assert_int_equal(c.n_errs, 1);
    assert_non_null(strstr(c.errs[0].message, "no column named 'ioc'"));
    intel_import_free(im);
    collect_free(&c);
}

static void test_fixed_types(void **state)
{
    (void)state;
    struct intel_import_options o = opts();
    o.csv.type = "ja3";
    struct collect c = {0};
    struct intel_import *im = import_text(&o, "ja3.txt",
                                          "e7d705a3286e19ea42f587b344ee6865\n"
                                          "6734F37431670B3AB4292B8F60F29984\n"
                                          "nothex\n",
                                          &c);
    assert_int_equal(c.n_inds, 2); /* 32 hex digits are JA3 here, not MD5 */
    assert_string_equal(c.inds[1].pattern,
                        "[x-tls-fingerprint:ja3 = '6734f37431670b3ab4292b8f60f29984']");
    assert_int_equal(c.n_errs, 1);
    assert_int_equal(c.errs[0].line, 3);
    intel_import_free(im);
    collect_free(&c);
    o.csv.type = "ja4";
    o.csv.delimiter = '\t';
    o.csv.comment_column = 1;
    im = import_text(&o, "ja4.tsv", "t13d1516h2_8daaf6152771_02713d6af862\tcurl\n", &c);
    assert_int_equal(c.n_inds, 1);
    assert_string_equal(c.inds[0].pattern,
                        "[x-tls-fingerprint:ja4 = 't13d1516h2_8daaf6152771_02713d6af862']");
    assert_string_equal(c.inds[0].description, "curl");
    intel_import_free(im);
    collect_free(&c);
    /* A plain list: the whole line is the value, commas and quotes included. */
    o = opts();
    o.csv.delimiter = '\0';
    o.csv.type = "url";
    im = import_text(&o, "urls.txt", "http://a.example/x,y\n\"http://b.example/\"\n", &c);
    assert_int_equal(c.n_inds, 2);
    assert_string_equal(c.inds[0].pattern, "[url:value = 'http://a.example/x,y']");
    assert_string_equal(c.inds[1].pattern, "[url:value = '\"http://b.example/\"']");
    intel_import_free(im);
    collect_free(&c);
    /* Type column by number; an empty type cell falls back to guessing. */
    o = opts();
    assert_int_equal(intel_import_csv_columns(&o.csv, "value=1,type=0"), 0);
    im =
        import_text(&o, "t.csv",
                    "cidr,10.1.0.0/16\n,evil.example\nja3s,ae4edc6faf64d08308082ad26be60767\n", &c);
    assert_int_equal(c.n_inds, 3);
    assert_string_equal(c.inds[0].pattern, "[ipv4-addr:value ISSUBSET '10.1.0.0/16']");
    assert_string_equal(c.inds[1].pattern, "[domain-name:value = 'evil.example']");
    assert_string_equal(c.inds[2].pattern,
                        "[x-tls-fingerprint:ja3s = 'ae4edc6faf64d08308082ad26be60767']");
    intel_import_free(im);
    collect_free(&c);
}

/* Same source, type and value → same id, whatever the time or the spelling;
 * another source → another id. */
static void test_stable_ids(void **state)
{
    (void)state;
    struct intel_import_options o = opts();
    o.source = "feedx";
    struct collect a = {0}, b = {0}, d = {0};
    struct intel_import *im = import_text(&o, "one.txt", "evil.example\n", &a);
    intel_import_free(im);
    o.now_us += 86400000000LL;
    im = import_text(&o, "two.txt", "  EVIL.example.  \n", &b);
    intel_import_free(im);
    o.source = "feedy";
    im = import_text(&o, "one.txt", "evil.example\n", &d);
    intel_import_free(im);
    assert_string_equal(a.inds[0].stix_id, "indicator--d9ba4721-48ba-571f-92bf-25ba6efbcfe6");
    assert_string_equal(a.inds[0].stix_id, b.inds[0].stix_id);
    assert_string_equal(a.inds[0].source, "feedx");
    assert_true(strcmp(a.inds[0].stix_id, d.inds[0].stix_id) != 0);
    assert_true(b.inds[0].modified_us > a.inds[0].modified_us);
    collect_free(&a);
    collect_free(&b);
    collect_free(&d);
}

static void test_unterminated(void **state)
{
    (void)state;
    struct collect c = {0};
    struct intel_import *im = import_text(NULL, "u.csv", "a.example\n\"b.example\n", &c);
    assert_int_equal(c.n_inds, 1);
    assert_int_equal(c.n_errs, 1);
    assert_int_equal(c.errs[0].line, 2);
    intel_import_free(im);
    collect_free(&c);
    /* A record longer than the limit is one bad row. */
    size_t n = 70000;
    char *big = malloc(n + 32);
    memset(big, 'a', n);
    strcpy(big + n, "\nb.example\n");
    im = import_text(NULL, "long.csv", big, &c);
    assert_int_equal(c.n_inds, 1);
    assert_non_null(strstr(c.errs[0].message, "longer than"));
    intel_import_free(im);
    collect_free(&c);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guessing),     cmocka_unit_test(test_header_and_quotes),
        cmocka_unit_test(test_fixed_types),  cmocka_unit_test(test_stable_ids),
        cmocka_unit_test(test_unterminated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
