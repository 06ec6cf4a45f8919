/* test_psl.c — registered domains by the Public Suffix List: the list's own
 * checkPublicSuffix vectors (publicsuffix/list tests/test_psl.txt, public
 * domain) against Debian's file, the built-in fallback, the section choice,
 * and hostile names that must neither crash nor match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "detect/psl/psl.h"

#include <cmocka.h>

#define DEBIAN_PSL "/usr/share/publicsuffix/public_suffix_list.dat"

struct vector {
    const char *name;
    const char *domain; /* NULL: no registered domain */
};

/* tests/test_psl.txt of the list, in its order (the commented-out ".local"
 * cases left out as there). */
static const struct vector official[] = {
    /* Mixed case. */
    {"COM", NULL},
    {"example.COM", "example.com"},
    {"WwW.example.COM", "example.com"},
    /* Leading dot. */
    {".com", NULL},
    {".example", NULL},
    {".example.com", NULL},
    {".example.example", NULL},
    /* Unlisted TLD. */
    {"example", NULL},
    {"example.example", "example.example"},
    {"b.example.example", "example.example"},
    {"a.b.example.example", "example.example"},
    /* TLD with only 1 rule. */
    {"biz", NULL},
    {"domain.biz", "domain.biz"},
    {"b.domain.biz", "domain.biz"},
    {"a.b.domain.biz", "domain.biz"},
    /* TLD with some 2-level rules. */
    {"com", NULL},
    {"example.com", "example.com"},
    {"b.example.com", "example.com"},
    {"a.b.example.com", "example.com"},
    {"uk.com", NULL},
    {"example.uk.com", "example.uk.com"},
    {"b.example.uk.com", "example.uk.com"},
    {"a.b.example.uk.com", "example.uk.com"},
    {"test.ac", "test.ac"},
    /* TLD with only 1 (wildcard) rule. */
    {"mm", NULL},
    {"c.mm", NULL},
    {"b.c.mm", "b.c.mm"},
    {"a.b.c.mm", "b.c.mm"},
    /* More complex TLD. */
    {"jp", NULL},
    {"test.jp", "test.jp"},
    {"www.test.jp", "test.jp"},
    {"ac.jp", NULL},
    {"test.ac.jp", "test.ac.jp"},
    {"www.test.ac.jp", "test.ac.jp"},
    {"kyoto.jp", NULL},
    {"test.kyoto.jp", "test.kyoto.jp"},
    {"ide.kyoto.jp", NULL},
    {"b.ide.kyoto.jp", "b.ide.kyoto.jp"},
    {"a.b.ide.kyoto.jp", "b.ide.kyoto.jp"},
    {"c.kobe.jp", NULL},
    {"b.c.kobe.jp", "b.c.kobe.jp"},
    {"a.b.c.kobe.jp", "b.c.kobe.jp"},
    {"city.kobe.jp", "city.kobe.jp"}, /* exception rule */
    {"www.city.kobe.jp", "city.kobe.jp"},
    /* TLD with a wildcard rule and exceptions. */
    {"ck", NULL},
    {"test.ck", NULL},
    {"b.test.ck", "b.test.ck"},
    {"a.b.test.ck", "b.test.ck"},
    {"www.ck", "www.ck"},
    {"www.www.ck", "www.ck"},
    /* US K12. */
    {"us", NULL},
    {"test.us", "test.us"},
    {"www.test.us", "test.us"},
    {"ak.us", NULL},
    {"test.ak.us", "test.ak.us"},
    {"www.test.ak.us", "test.ak.us"},
    {"k12.ak.us", NULL},
    {"test.k12.ak.us", "test.k12.ak.us"},
    {"www.test.k12.ak.us", "test.k12.ak.us"},
    /* IDN labels (UTF-8, as the list writes its rules). */
    {"\xe9\xa3\x9f\xe7\x8b\xae.com.cn", "\xe9\xa3\x9f\xe7\x8b\xae.com.cn"},
    {"\xe9\xa3\x9f\xe7\x8b\xae.\xe5\x85\xac\xe5\x8f\xb8.cn",
     "\xe9\xa3\x9f\xe7\x8b\xae.\xe5\x85\xac\xe5\x8f\xb8.cn"},
    {"www.\xe9\xa3\x9f\xe7\x8b\xae.\xe5\x85\xac\xe5\x8f\xb8.cn",
     "\xe9\xa3\x9f\xe7\x8b\xae.\xe5\x85\xac\xe5\x8f\xb8.cn"},
    {"shishi.\xe5\x85\xac\xe5\x8f\xb8.cn", "shishi.\xe5\x85\xac\xe5\x8f\xb8.cn"},
    {"\xe5\x85\xac\xe5\x8f\xb8.cn", NULL},
    {"\xe9\xa3\x9f\xe7\x8b\xae.\xe4\xb8\xad\xe5\x9b\xbd",
     "\xe9\xa3\x9f\xe7\x8b\xae.\xe4\xb8\xad\xe5\x9b\xbd"},
    {"www.\xe9\xa3\x9f\xe7\x8b\xae.\xe4\xb8\xad\xe5\x9b\xbd",
     "\xe9\xa3\x9f\xe7\x8b\xae.\xe4\xb8\xad\xe5\x9b\xbd"},
    {"shishi.\xe4\xb8\xad\xe5\x9b\xbd", "shishi.\xe4\xb8\xad\xe5\x9b\xbd"},
    {"\xe4\xb8\xad\xe5\x9b\xbd", NULL},
    /* Same as above, but punycoded: what DNS carries. */
    {"xn--85x722f.com.cn", "xn--85x722f.com.cn"},
    {"xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"},
    {"www.xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"},
    {"shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn"},
    {"xn--55qx5d.cn", NULL},
    {"xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"},
    {"www.xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"},
    {"shishi.xn--fiqs8s", "shishi.xn--fiqs8s"},
    {"xn--fiqs8s", NULL},
};

static void check(const struct psl *p, const char *name, const char *want)
{
    size_t len = 12345;
    const char *got = psl_registered_domain(p, name, &len);
    if (!want) {
        if (got)
            fail_msg("%s: want no registered domain, got %.*s", name, (int)len, got);
        return;
    }
    if (!got)
        fail_msg("%s: want %s, got none", name, want);
    /* A pointer into the name, compared without case. */
    assert_true(got >= name && got + len <= name + strlen(name));
    if (len != strlen(want) || strncasecmp(got, want, len) != 0)
        fail_msg("%s: want %s, got %.*s", name, want, (int)len, got);
}

static struct psl *debian(unsigned sections)
{
    char err[256] = "";
    struct psl *p = psl_load_sections(DEBIAN_PSL, sections, err, sizeof(err));
    if (!p)
        print_message("cannot load %s: %s\n", DEBIAN_PSL, err);
    return p;
}

static void test_official_vectors(void **state)
{
    (void)state;
    struct psl *p = debian(PSL_ALL);
    if (!p)
        skip(); /* Debian's publicsuffix package is not installed */
    assert_true(psl_suffix_count(p) > 5000);
    assert_false(psl_is_builtin(p));
    for (size_t i = 0; i < sizeof(official) / sizeof(*official); i++)
        check(p, official[i].name, official[i].domain);
    size_t len = 1;
    assert_null(psl_registered_domain(p, NULL, &len));
    assert_int_equal(len, 0);
    psl_free(p);
}

/* What the detectors rely on beyond the vectors: the PRIVATE section makes
 * each customer of a CDN its own domain; the result says which rule won. */
static void test_sections_and_result(void **state)
{
    (void)state;
    struct psl *all = debian(PSL_ALL);
    struct psl *icann = debian(PSL_ICANN);
    if (!all || !icann)
        skip();
    assert_true(psl_suffix_count(icann) < psl_suffix_count(all));
    check(all, "e1234.a.akamaiedge.net", "a.akamaiedge.net");
    check(icann, "e1234.a.akamaiedge.net", "akamaiedge.net");
    check(all, "foo.blogspot.com", "foo.blogspot.com");
    check(icann, "foo.blogspot.com", "blogspot.com");
    check(all, "d111111abcdef8.cloudfront.net", "d111111abcdef8.cloudfront.net");

    struct psl_result r;
    assert_true(psl_lookup(all, "www.example.co.uk.", &r));
    assert_int_equal(r.domain_len, strlen("example.co.uk"));
    assert_memory_equal(r.domain, "example.co.uk", r.domain_len);
    assert_int_equal(r.suffix_len, strlen("co.uk"));
    assert_true(r.is_listed);
    assert_false(r.is_private);
    assert_true(psl_lookup(all, "x.foo.blogspot.com", &r));
    assert_true(r.is_private);
    assert_true(psl_lookup(all, "a.b.pirate.sea", &r));
    assert_false(r.is_listed); /* decided by the default rule */
    assert_int_equal(r.domain_len, strlen("pirate.sea"));
    assert_true(psl_lookup(all, "4.3.2.1.in-addr.arpa", &r));
    assert_memory_equal(r.suffix, "in-addr.arpa", r.suffix_len);
    psl_free(all);
    psl_free(icann);
}

static void test_builtin_fallback(void **state)
{
    (void)state;
    char err[128] = "";
    assert_null(psl_load("/nonexistent/psl.dat", err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/psl.dat"));
    assert_null(psl_load(NULL, NULL, 0));
    struct psl *p = psl_load_default();
    assert_non_null(p);
    assert_true(psl_is_builtin(p));
    assert_true(psl_suffix_count(p) > 100);
    check(p, "www.example.com", "example.com");
    check(p, "example.com", "example.com");
    check(p, "com", NULL);
    check(p, "a.b.example.co.uk", "example.co.uk");
    check(p, "co.uk", NULL);
    check(p, "x.y.foo.github.io", "foo.github.io");
    check(p, "e1.a.akamaiedge.net", "a.akamaiedge.net");
    check(p, "www.example.example", "example.example");
    psl_free(p);
    psl_free(NULL);
}

/* A list file of our own: comments, sections, a line too long to be a rule,
 * and rules that cannot be honoured. */
static void test_own_file(void **state)
{
    (void)state;
    char path[] = "/tmp/test_psl_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fprintf(fp, "// ===BEGIN ICANN DOMAINS===\ncom\n  indented\n*.wild\n!keep.wild\nbad.*.x\n"
                "a..b\n\n");
    for (int i = 0; i < 2000; i++)
        fputc('x', fp);
    fprintf(fp, ".long\n// ===END ICANN DOMAINS===\n// ===BEGIN PRIVATE DOMAINS===\n"
                "Cloud.COM   trailing words\r\n// ===END PRIVATE DOMAINS===\n");
    fclose(fp);
    char err[128];
    struct psl *p = psl_load(path, err, sizeof(err));
    assert_non_null(p);
    assert_int_equal(psl_suffix_count(p), 4); /* com, *.wild, !keep.wild, cloud.com */
    check(p, "a.b.cloud.com", "b.cloud.com");
    check(p, "y.wild", NULL);
    check(p, "x.y.wild", "x.y.wild");
    check(p, "z.x.y.wild", "x.y.wild");
    check(p, "q.keep.wild", "keep.wild");
    check(p, "indented", NULL);
    check(p, "q.indented", "q.indented");
    psl_free(p);
    p = psl_load_sections(path, PSL_ICANN, err, sizeof(err));
    assert_non_null(p);
    check(p, "a.b.cloud.com", "cloud.com");
    psl_free(p);
    /* A file with no rules is refused, with the reason. */
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "// nothing\n");
    fclose(fp);
    assert_null(psl_load(path, err, sizeof(err)));
    assert_non_null(strstr(err, "no rules"));
    unlink(path);
}

/* Names from the wire are anything: empty labels, dots only, labels far
 * past 63 bytes, IP literals, escapes, bytes above 0x7f. None may crash,
 * read out of bounds (ASan) or yield a domain with an empty label. */
static void test_hostile_names(void **state)
{
    (void)state;
    struct psl *p = debian(PSL_ALL);
    if (!p)
        p = psl_load_default();
    assert_non_null(p);
    static const char *const none[] = {
        "",    ".",         "..",          "...",         "a..com", "a.com..",   "..com",
        "a.",  "192.0.2.1", "10.0.0.1.",   "2001:db8::1", "::1",    "[::1]",     "1.2.3.4.5",
        "com", "co.uk.",    "a.b..c.d.uk", ".",           "xn--",   "a.b.c.123",
    };
    for (size_t i = 0; i < sizeof(none) / sizeof(*none); i++) {
        struct psl_result r;
        size_t len;
        if (psl_registered_domain(p, none[i], &len))
            fail_msg("%s: want no registered domain", none[i]);
        (void)psl_lookup(p, none[i], &r);
        assert_null(r.domain);
    }
    /* 300-byte labels, on the left and as the TLD. */
    char name[1200];
    memset(name, 'a', 300);
    snprintf(name + 300, sizeof(name) - 300, ".example.com");
    check(p, name, "example.com");
    memset(name, 0, sizeof(name));
    memcpy(name, "www.", 4);
    memset(name + 4, 'z', 300);
    check(p, name, name); /* an unlisted 300-byte TLD: default rule */
    /* A thousand labels, and escaped octets as the DNS decoder writes them. */
    size_t at = 0;
    for (int i = 0; i < 500; i++)
        at += (size_t)snprintf(name + at, sizeof(name) - at, "a.");
    snprintf(name + at, sizeof(name) - at, "example.org");
    check(p, name, "example.org");
    check(p, "x\\303\\244y.\\377.example.net", "example.net");
    check(p, "\xff\xfe.\xc3\xa4.com", "\xc3\xa4.com");
    psl_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_official_vectors), cmocka_unit_test(test_sections_and_result),
        cmocka_unit_test(test_builtin_fallback), cmocka_unit_test(test_own_file),
        cmocka_unit_test(test_hostile_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
