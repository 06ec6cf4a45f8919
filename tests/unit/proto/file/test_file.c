/* test_file.c — the streaming file hasher (src/proto/file/file_hash.c) and
 * the EVE fileinfo formatter (fileinfo_eve.c). Digests are the published
 * test vectors of RFC 1321 and FIPS 180 ("abc") and values computed outside
 * this code ("hello world"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "output/json_buf.h"
#include "proto/file/file_hash.h"
#include "proto/file/fileinfo.h"
#include "proto/file/fileinfo_eve.h"

#include <cmocka.h>

static const char md5_abc[] = "900150983cd24fb0d6963f7d28e17f72";
static const char sha1_abc[] = "a9993e364706816aba3e25717850c26c9cd0d89d";
static const char sha256_abc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

static void test_hash_abc_in_pieces(void **state)
{
    (void)state;
    struct file_hash fh;
    file_hash_init(&fh);
    assert_int_equal(file_hash_mem(&fh), 0);
    file_hash_open(&fh);
    file_hash_update(&fh, "a", 1);
    file_hash_update(&fh, "", 0);
    file_hash_update(&fh, "bc", 2);
    struct fileinfo_record r;
    memset(&r, 0, sizeof(r));
    file_hash_close(&fh, FILEINFO_CLOSED, &r);
    assert_string_equal(r.md5, md5_abc);
    assert_string_equal(r.sha1, sha1_abc);
    assert_string_equal(r.sha256, sha256_abc);
    assert_int_equal(r.size, 3);
    assert_false(r.has_gaps);
    assert_int_equal(r.state, FILEINFO_CLOSED);
    assert_true(file_hash_mem(&fh) > 0);
    /* The contexts are reused for the next file, which starts afresh. */
    file_hash_open(&fh);
    file_hash_update(&fh, "hello world", 11);
    file_hash_close(&fh, FILEINFO_CLOSED, &r);
    assert_string_equal(r.md5, "5eb63bbbe01eeed093cb22bb8f5acdc3");
    assert_string_equal(r.sha256,
                        "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    assert_int_equal(r.size, 11);
    file_hash_fini(&fh);
    assert_int_equal(file_hash_mem(&fh), 0);
}

/* An empty file has the digests of no bytes. */
static void test_hash_empty(void **state)
{
    (void)state;
    struct file_hash fh;
    file_hash_init(&fh);
    file_hash_open(&fh);
    struct fileinfo_record r;
    memset(&r, 0, sizeof(r));
    file_hash_close(&fh, FILEINFO_CLOSED, &r);
    assert_string_equal(r.md5, "d41d8cd98f00b204e9800998ecf8427e");
    assert_int_equal(r.size, 0);
    file_hash_fini(&fh);
}

/* A gap makes the digests meaningless: none are given, the size counts
 * what was seen. */
static void test_hash_gap(void **state)
{
    (void)state;
    struct file_hash fh;
    file_hash_init(&fh);
    file_hash_open(&fh);
    file_hash_update(&fh, "ab", 2);
    file_hash_gap(&fh);
    file_hash_update(&fh, "c", 1);
    struct fileinfo_record r;
    memset(&r, 0, sizeof(r));
    file_hash_close(&fh, FILEINFO_TRUNCATED, &r);
    assert_true(r.has_gaps);
    assert_string_equal(r.md5, "");
    assert_string_equal(r.sha256, "");
    assert_int_equal(r.size, 3);
    assert_int_equal(r.state, FILEINFO_TRUNCATED);
    /* The next file is whole again. */
    file_hash_open(&fh);
    file_hash_update(&fh, "abc", 3);
    file_hash_close(&fh, FILEINFO_CLOSED, &r);
    assert_false(r.has_gaps);
    assert_string_equal(r.md5, md5_abc);
    file_hash_fini(&fh);
}

/* Updates and gaps outside a file are ignored; closing a file never opened
 * gives no digests. */
static void test_hash_not_open(void **state)
{
    (void)state;
    struct file_hash fh;
    file_hash_init(&fh);
    file_hash_update(&fh, "abc", 3);
    file_hash_gap(&fh);
    struct fileinfo_record r;
    memset(&r, 0, sizeof(r));
    file_hash_close(&fh, FILEINFO_CLOSED, &r);
    assert_int_equal(r.size, 0);
    assert_false(r.has_gaps);
    assert_string_equal(r.md5, "");
    file_hash_fini(&fh);
    file_hash_fini(&fh); /* twice is harmless */
}

static void expect_eve(const struct fileinfo_record *r, const char *want)
{
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_object(&b, NULL);
    fileinfo_eve_format(&b, r);
    json_buf_close_object(&b);
    assert_true(json_buf_ok(&b));
    assert_string_equal(b.data, want);
    json_buf_fini(&b);
}

/* Suricata's field order; the name escaped; "" without a name. */
static void test_eve(void **state)
{
    (void)state;
    struct fileinfo_record r;
    memset(&r, 0, sizeof(r));
    r.proto = APP_PROTO_HTTP;
    r.filename = "/a \"b\".exe";
    r.filename_len = strlen(r.filename);
    r.size = 3;
    r.tx_id = 2;
    strcpy(r.md5, md5_abc);
    strcpy(r.sha1, sha1_abc);
    strcpy(r.sha256, sha256_abc);
    expect_eve(&r, "{\"fileinfo\":{\"filename\":\"/a \\\"b\\\".exe\",\"gaps\":false,"
                   "\"state\":\"CLOSED\",\"md5\":\"900150983cd24fb0d6963f7d28e17f72\","
                   "\"sha1\":\"a9993e364706816aba3e25717850c26c9cd0d89d\",\"sha256\":"
                   "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\","
                   "\"stored\":false,\"size\":3,\"tx_id\":2}}");
    memset(&r, 0, sizeof(r));
    r.has_gaps = true;
    r.state = FILEINFO_TRUNCATED;
    r.size = 10;
    expect_eve(&r, "{\"fileinfo\":{\"filename\":\"\",\"gaps\":true,\"state\":\"TRUNCATED\","
                   "\"stored\":false,\"size\":10,\"tx_id\":0}}");
    assert_string_equal(fileinfo_state_name(FILEINFO_ERROR), "ERROR");
    assert_string_equal(fileinfo_state_name((enum fileinfo_state)7), "UNKNOWN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_abc_in_pieces),
        cmocka_unit_test(test_hash_empty),
        cmocka_unit_test(test_hash_gap),
        cmocka_unit_test(test_hash_not_open),
        cmocka_unit_test(test_eve),
    };
    return cmocka_run_group_tests_name("file", tests, NULL, NULL);
}
