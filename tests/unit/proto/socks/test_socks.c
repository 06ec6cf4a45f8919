/* test_socks.c — the SOCKS parser and its EVE object: handshakes written
 * from RFC 1928, RFC 1929 and the SOCKS 4/4a descriptions (the SOCKS 4 and
 * SOCKS 5 ones are the bytes of the shared captures), split at every octet,
 * then hostile input. The JSON is read back with jansson as an independent
 * check. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_run.h"
#include "output/json_buf.h"
#include "proto/socks/socks_eve.h"
#include "proto/socks/socks_parser.h"

#include <cmocka.h>

enum { RUN_RECORDS_MAX = 4 };

/* A flow and the socks records it wrote, as JSON text and read back. */
struct run {
    struct app_run app;
    json_t *records[RUN_RECORDS_MAX];
    char *texts[RUN_RECORDS_MAX];
    size_t record_count;
};

static void run_record(struct app_run *a, enum app_record type, const void *record)
{
    struct run *r = a->ctx;
    assert_int_equal(type, APP_RECORD_SOCKS);
    assert_true(r->record_count < RUN_RECORDS_MAX);
    struct json_buf b;
    json_buf_init(&b);
    json_buf_open_object(&b, NULL);
    socks_eve_format(&b, record);
    json_buf_close_object(&b);
    assert_true(json_buf_ok(&b));
    json_error_t err;
    json_t *j = json_loadb(b.data, b.len, 0, &err);
    assert_non_null(j);
    r->texts[r->record_count] = strdup(b.data);
    r->records[r->record_count++] = j;
    json_buf_fini(&b);
}

static void run_init(struct run *r)
{
    memset(r, 0, sizeof(*r));
    app_run_init(&r->app, &socks_parser);
    r->app.on_record = run_record;
    r->app.ctx = r;
}

static void run_fini(struct run *r)
{
    app_run_fini(&r->app);
    for (size_t i = 0; i < r->record_count; i++) {
        json_decref(r->records[i]);
        free(r->texts[i]);
    }
}

static json_t *run_field(const struct run *r, size_t i, const char *key)
{
    assert_true(i < r->record_count);
    json_t *socks = json_object_get(r->records[i], "socks");
    assert_non_null(socks);
    return json_object_get(socks, key);
}

static const char *run_str(const struct run *r, size_t i, const char *key)
{
    json_t *v = run_field(r, i, key);
    if (!json_is_string(v))
        fail_msg("socks.%s is not a string in %s", key, r->texts[i]);
    return json_string_value(v);
}

static json_int_t run_int(const struct run *r, size_t i, const char *key)
{
    json_t *v = run_field(r, i, key);
    if (!json_is_integer(v))
        fail_msg("socks.%s is not an integer in %s", key, r->texts[i]);
    return json_integer_value(v);
}

/* foxio-ja4 socks-https-example.pcap stream 0: SOCKS 4 CONNECT to
 * 93.184.216.119:443, empty user id; the reply (granted) and, here, the
 * first octets of the tunnelled ClientHello in the same call. */
static const uint8_t s4_request[] = {0x04, 0x01, 0x01, 0xbb, 0x5d, 0xb8, 0xd8, 0x77, 0x00};
static const uint8_t s4_reply_tls[] = {0x00, 0x5a, 0x99, 0xb4, 0x0a, 0xb4, 0x9c,
                                       0xf9, 0x16, 0x03, 0x01, 0x00, 0x73};

static void test_socks4_connect(void **state)
{
    (void)state;
    assert_int_equal(socks_parser.probe(FLOW_TOSERVER, s4_request, sizeof(s4_request)),
                     APP_PROBE_YES);
    struct run r;
    run_init(&r);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOSERVER, s4_request), APP_OK);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s4_reply_tls), APP_REDETECT);
    assert_int_equal(r.app.handover_at, 8);
    assert_int_equal(r.record_count, 1);
    assert_int_equal(r.app.anomaly_count, 0);
    assert_int_equal(run_int(&r, 0, "version"), 4);
    assert_string_equal(run_str(&r, 0, "command"), "connect");
    assert_string_equal(run_str(&r, 0, "dest_ip"), "93.184.216.119");
    assert_int_equal(run_int(&r, 0, "dest_port"), 443);
    assert_string_equal(run_str(&r, 0, "reply"), "succeeded");
    assert_true(json_is_true(run_field(&r, 0, "success")));
    assert_null(run_field(&r, 0, "user"));
    assert_null(run_field(&r, 0, "dest_host"));
    assert_null(run_field(&r, 0, "auth_method"));
    assert_null(run_field(&r, 0, "socks4a"));
    run_fini(&r);
}

/* SOCKS 4a: 0.0.0.1 and a name after the user id. */
static const uint8_t s4a_request[] = {0x04, 0x01, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 'a',
                                      'l',  'i',  'c',  'e',  0x00, 'e',  'x',  'a',  'm',
                                      'p',  'l',  'e',  '.',  'o',  'r',  'g',  0x00};
static const uint8_t s4_granted[] = {0x00, 0x5a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

static void test_socks4a_connect(void **state)
{
    (void)state;
    assert_int_equal(socks_parser.probe(FLOW_TOSERVER, s4a_request, sizeof(s4a_request)),
                     APP_PROBE_YES);
    struct run r;
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s4a_request);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s4_granted), APP_REDETECT);
    assert_int_equal(r.app.handover_at, 8);
    assert_int_equal(run_int(&r, 0, "version"), 4);
    assert_true(json_is_true(run_field(&r, 0, "socks4a")));
    assert_string_equal(run_str(&r, 0, "user"), "alice");
    assert_string_equal(run_str(&r, 0, "dest_host"), "example.org");
    assert_null(run_field(&r, 0, "dest_ip"));
    assert_int_equal(run_int(&r, 0, "dest_port"), 80);
    assert_int_equal(r.app.anomaly_count, 0);
    run_fini(&r);
}

/* arkime socks5-http-302-frag.pcap: no authentication, CONNECT to
 * www.google.com:80 by name, the proxy bound at 10.0.0.2:80. */
static const uint8_t s5_greeting[] = {0x05, 0x01, 0x00};
static const uint8_t s5_method_none[] = {0x05, 0x00};
static const uint8_t s5_request_name[] = {0x05, 0x01, 0x00, 0x03, 0x0e, 'w',  'w',
                                          'w',  '.',  'g',  'o',  'o',  'g',  'l',
                                          'e',  '.',  'c',  'o',  'm',  0x00, 0x50};
static const uint8_t s5_reply_banner[] = {0x05, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x00,
                                          0x50, '2',  '2',  '0',  ' ',  'h',  'i',  '\r', '\n'};

static void test_socks5_no_auth(void **state)
{
    (void)state;
    assert_int_equal(socks_parser.probe(FLOW_TOSERVER, s5_greeting, sizeof(s5_greeting)),
                     APP_PROBE_YES);
    struct run r;
    run_init(&r);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting), APP_OK);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_method_none), APP_OK);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_request_name), APP_OK);
    assert_int_equal(r.record_count, 0);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_reply_banner), APP_REDETECT);
    assert_int_equal(r.app.handover_at, 10); /* "220 hi" starts the tunnelled stream */
    assert_int_equal(r.record_count, 1);
    assert_int_equal(r.app.anomaly_count, 0);
    assert_int_equal(run_int(&r, 0, "version"), 5);
    assert_string_equal(run_str(&r, 0, "command"), "connect");
    assert_string_equal(run_str(&r, 0, "auth_method"), "none");
    assert_string_equal(run_str(&r, 0, "dest_host"), "www.google.com");
    assert_int_equal(run_int(&r, 0, "dest_port"), 80);
    assert_string_equal(run_str(&r, 0, "reply"), "succeeded");
    assert_true(json_is_true(run_field(&r, 0, "success")));
    assert_null(run_field(&r, 0, "user"));
    assert_null(run_field(&r, 0, "dest_ip"));
    run_fini(&r);
}

/* RFC 1929 username/password, then CONNECT to an IPv6 address. */
static const uint8_t s5_greeting_up[] = {0x05, 0x02, 0x00, 0x02};
static const uint8_t s5_method_up[] = {0x05, 0x02};
static const uint8_t s5_auth[] = {0x01, 0x05, 'a', 'l', 'i', 'c', 'e', 0x07,
                                  'h',  'u',  'n', 't', 'e', 'r', '2'};
static const uint8_t s5_auth_ok[] = {0x01, 0x00};
static const uint8_t s5_request_v6[] = {0x05, 0x01, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8,
                                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 0x01, 0x01, 0xbb};
static const uint8_t s5_reply_v6[] = {0x05, 0x00, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8,
                                      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                      0x00, 0x00, 0x00, 0x02, 0xc3, 0x50};

static bool state_holds(const struct run *r, const char *s)
{
    const uint8_t *p = r->app.st;
    size_t n = socks_parser.state_mem(r->app.st), k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, s, k) == 0)
            return true;
    return false;
}

static void test_socks5_username_ipv6(void **state)
{
    (void)state;
    struct run r;
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting_up);
    APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_method_up);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_auth);
    assert_false(state_holds(&r, "hunter2"));
    APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_auth_ok);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_request_v6);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_reply_v6), APP_REDETECT);
    assert_int_equal(r.app.handover_at, sizeof(s5_reply_v6));
    assert_int_equal(r.app.anomaly_count, 0);
    assert_string_equal(run_str(&r, 0, "auth_method"), "username");
    assert_string_equal(run_str(&r, 0, "user"), "alice");
    assert_true(json_is_true(run_field(&r, 0, "auth_success")));
    assert_string_equal(run_str(&r, 0, "dest_ip"), "2001:db8::1");
    assert_int_equal(run_int(&r, 0, "dest_port"), 443);
    assert_null(strstr(r.texts[0], "hunter2"));
    assert_null(strstr(r.texts[0], "password"));
    run_fini(&r);
}

/* A client that does not wait for the method selection (greeting and
 * request in one segment), as optimistic clients do. */
static void test_socks5_pipelined_greeting(void **state)
{
    (void)state;
    uint8_t both[sizeof(s5_greeting) + sizeof(s5_request_name)];
    memcpy(both, s5_greeting, sizeof(s5_greeting));
    memcpy(both + sizeof(s5_greeting), s5_request_name, sizeof(s5_request_name));
    assert_int_equal(socks_parser.probe(FLOW_TOSERVER, both, sizeof(both)), APP_PROBE_YES);
    struct run r;
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, both);
    uint8_t reply[sizeof(s5_method_none) + 10];
    memcpy(reply, s5_method_none, sizeof(s5_method_none));
    memcpy(reply + 2, s5_reply_banner, 10);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, reply), APP_REDETECT);
    assert_int_equal(r.app.handover_at, sizeof(reply));
    assert_string_equal(run_str(&r, 0, "dest_host"), "www.google.com");
    assert_int_equal(r.app.anomaly_count, 0);
    run_fini(&r);
}

static void test_failure_replies(void **state)
{
    (void)state;
    struct run r;

    /* SOCKS 5 connection refused (REP 5) */
    static const uint8_t refused[] = {0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
    APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_method_none);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_request_name);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, refused), APP_DONE);
    assert_int_equal(r.record_count, 1);
    assert_string_equal(run_str(&r, 0, "reply"), "connection_refused");
    assert_true(json_is_false(run_field(&r, 0, "success")));
    run_fini(&r);

    /* SOCKS 4 rejected (CD 91) */
    static const uint8_t rejected[] = {0x00, 0x5b, 0, 0, 0, 0, 0, 0};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s4_request);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, rejected), APP_DONE);
    assert_string_equal(run_str(&r, 0, "reply"), "rejected");
    assert_true(json_is_false(run_field(&r, 0, "success")));
    run_fini(&r);

    /* no acceptable method */
    static const uint8_t no_method[] = {0x05, 0xff};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting_up);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, no_method), APP_DONE);
    assert_string_equal(run_str(&r, 0, "auth_method"), "no_acceptable");
    assert_null(run_field(&r, 0, "command"));
    assert_true(json_is_false(run_field(&r, 0, "success")));
    run_fini(&r);

    /* RFC 1929 failure: the user is kept, the password not */
    static const uint8_t auth_fail[] = {0x01, 0x01};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting_up);
    APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_method_up);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_auth);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, auth_fail), APP_DONE);
    assert_string_equal(run_str(&r, 0, "user"), "alice");
    assert_true(json_is_false(run_field(&r, 0, "auth_success")));
    assert_null(strstr(r.texts[0], "hunter2"));
    run_fini(&r);

    /* a reply code no RFC names */
    static const uint8_t odd[] = {0x05, 0x2a, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
    APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_method_none);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_request_name);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, odd), APP_DONE);
    assert_string_equal(run_str(&r, 0, "reply"), "unknown");
    assert_int_equal(run_int(&r, 0, "reply_code"), 42);
    assert_true(app_run_has_anomaly(&r.app, "bad_reply"));
    run_fini(&r);

    /* no reply before the flow ends: the request is still reported */
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s4a_request);
    app_run_end(&r.app);
    assert_int_equal(r.record_count, 1);
    assert_null(run_field(&r, 0, "reply"));
    assert_true(json_is_false(run_field(&r, 0, "success")));
    run_fini(&r);
}

/* BIND: the tunnel opens with the second reply; UDP ASSOCIATE: never. */
static void test_bind_and_udp(void **state)
{
    (void)state;
    static const uint8_t bind[] = {0x05, 0x02, 0x00, 0x01, 10, 0, 0, 9, 0x1f, 0x90};
    static const uint8_t bound[] = {0x05, 0x00, 0x00, 0x01, 10, 0, 0, 1, 0x1f, 0x90};
    struct run r;
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
    APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_method_none);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, bind);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, bound), APP_OK);
    assert_int_equal(r.record_count, 0);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, bound), APP_REDETECT);
    assert_string_equal(run_str(&r, 0, "command"), "bind");
    assert_string_equal(run_str(&r, 0, "dest_ip"), "10.0.0.9");
    run_fini(&r);

    static const uint8_t udp[] = {0x05, 0x03, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
    APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_method_none);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, udp);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, bound), APP_DONE);
    assert_string_equal(run_str(&r, 0, "command"), "udp_associate");
    assert_true(json_is_true(run_field(&r, 0, "success")));
    run_fini(&r);
}

struct msg {
    enum flow_dir dir;
    const uint8_t *data;
    size_t len;
};

/* Plays msgs, each split in two calls at `split` (or fed octet by octet
 * when split is SIZE_MAX), and checks the outcome matches the whole run. */
static void play_split(const struct msg *msgs, size_t n, size_t split, const char *want_json,
                       size_t inner_len)
{
    struct run r;
    run_init(&r);
    for (size_t i = 0; i < n; i++) {
        const struct msg *m = &msgs[i];
        if (split == SIZE_MAX) {
            for (size_t k = 0; k < m->len; k++)
                app_run_feed(&r.app, m->dir, m->data + k, 1);
        } else {
            size_t k = split < m->len ? split : m->len;
            app_run_feed(&r.app, m->dir, m->data, k);
            if (k < m->len)
                app_run_feed(&r.app, m->dir, m->data + k, m->len - k);
        }
    }
    assert_int_equal(r.app.result, APP_REDETECT);
    assert_int_equal(r.app.anomaly_count, 0);
    assert_int_equal(r.record_count, 1);
    assert_string_equal(r.texts[0], want_json);
    /* handover_at is relative to the call in which the reply ended */
    const struct msg *last = &msgs[n - 1];
    size_t reply_len = last->len - inner_len;
    if (split == SIZE_MAX)
        assert_int_equal(r.app.handover_at, 1); /* the reply's last octet, alone */
    else if (split >= reply_len)
        assert_int_equal(r.app.handover_at, reply_len); /* ended in the first piece */
    else
        assert_int_equal(r.app.handover_at, reply_len - split);
    run_fini(&r);
}

static void test_every_split_point(void **state)
{
    (void)state;
    uint8_t reply_inner[sizeof(s5_reply_v6) + 5];
    memcpy(reply_inner, s5_reply_v6, sizeof(s5_reply_v6));
    memcpy(reply_inner + sizeof(s5_reply_v6), "\x16\x03\x01\x00\x05", 5);
    const struct msg up[] = {
        {FLOW_TOSERVER, s5_greeting_up, sizeof(s5_greeting_up)},
        {FLOW_TOCLIENT, s5_method_up, sizeof(s5_method_up)},
        {FLOW_TOSERVER, s5_auth, sizeof(s5_auth)},
        {FLOW_TOCLIENT, s5_auth_ok, sizeof(s5_auth_ok)},
        {FLOW_TOSERVER, s5_request_v6, sizeof(s5_request_v6)},
        {FLOW_TOCLIENT, reply_inner, sizeof(reply_inner)},
    };
    const struct msg name[] = {
        {FLOW_TOSERVER, s5_greeting, sizeof(s5_greeting)},
        {FLOW_TOCLIENT, s5_method_none, sizeof(s5_method_none)},
        {FLOW_TOSERVER, s5_request_name, sizeof(s5_request_name)},
        {FLOW_TOCLIENT, s5_reply_banner, sizeof(s5_reply_banner)},
    };
    const struct msg v4a[] = {
        {FLOW_TOSERVER, s4a_request, sizeof(s4a_request)},
        {FLOW_TOCLIENT, s4_reply_tls, sizeof(s4_reply_tls)},
    };
    struct {
        const struct msg *msgs;
        size_t n;
        size_t inner_len;
    } cases[] = {{up, 6, 5}, {name, 4, 8}, {v4a, 2, 5}};
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        /* the reference: each message in one call */
        struct run whole;
        run_init(&whole);
        size_t longest = 0;
        for (size_t i = 0; i < cases[c].n; i++) {
            app_run_feed(&whole.app, cases[c].msgs[i].dir, cases[c].msgs[i].data,
                         cases[c].msgs[i].len);
            if (cases[c].msgs[i].len > longest)
                longest = cases[c].msgs[i].len;
        }
        assert_int_equal(whole.app.result, APP_REDETECT);
        assert_int_equal(whole.record_count, 1);
        for (size_t split = 0; split <= longest; split++)
            play_split(cases[c].msgs, cases[c].n, split, whole.texts[0], cases[c].inner_len);
        play_split(cases[c].msgs, cases[c].n, SIZE_MAX, whole.texts[0], cases[c].inner_len);
        run_fini(&whole);
    }
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const uint8_t *data;
        size_t len;
        enum app_probe want;
    } cases[] = {
        {"nothing yet", (const uint8_t *)"", 0, APP_PROBE_MAYBE},
        {"version only", (const uint8_t *)"\x05", 1, APP_PROBE_MAYBE},
        {"methods to come", (const uint8_t *)"\x05\x02\x00", 3, APP_PROBE_MAYBE},
        {"no methods", (const uint8_t *)"\x05\x00", 2, APP_PROBE_NO},
        {"DCE/RPC bind", (const uint8_t *)"\x05\x00\x0b\x03\x10\x00\x00\x00", 8, APP_PROBE_NO},
        {"method 0xff offered", (const uint8_t *)"\x05\x01\xff", 3, APP_PROBE_NO},
        {"unassigned method", (const uint8_t *)"\x05\x01\x42", 3, APP_PROBE_NO},
        {"duplicate method", (const uint8_t *)"\x05\x02\x00\x00", 4, APP_PROBE_NO},
        {"trailing garbage", (const uint8_t *)"\x05\x01\x00GET", 6, APP_PROBE_NO},
        {"bad pipelined cmd", (const uint8_t *)"\x05\x01\x00\x05\x09", 5, APP_PROBE_NO},
        {"pipelined auth",
         (const uint8_t *)"\x05\x01\x02\x01\x01"
                          "a",
         6, APP_PROBE_YES},
        {"socks4 port 0", (const uint8_t *)"\x04\x01\x00\x00\x01\x02\x03\x04\x00", 9, APP_PROBE_NO},
        {"socks4 to 0.0.0.0", (const uint8_t *)"\x04\x01\x00\x50\x00\x00\x00\x00\x00", 9,
         APP_PROBE_NO},
        {"socks4 bad command", (const uint8_t *)"\x04\x03", 2, APP_PROBE_NO},
        {"socks4 user to come", (const uint8_t *)"\x04\x01\x00\x50\x01\x02\x03\x04us", 10,
         APP_PROBE_MAYBE},
        {"socks4 binary user", (const uint8_t *)"\x04\x01\x00\x50\x01\x02\x03\x04\x01", 9,
         APP_PROBE_NO},
        {"socks4 trailing", (const uint8_t *)"\x04\x01\x00\x50\x01\x02\x03\x04\x00X", 10,
         APP_PROBE_NO},
        {"socks4a empty name", (const uint8_t *)"\x04\x01\x00\x50\x00\x00\x00\x07\x00\x00", 10,
         APP_PROBE_NO},
        {"TLS", (const uint8_t *)"\x16\x03\x01\x00\x73\x01", 6, APP_PROBE_NO},
        {"HTTP", (const uint8_t *)"GET / HTTP/1.1\r\n", 16, APP_PROBE_NO},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum app_probe got = socks_parser.probe(FLOW_TOSERVER, cases[i].data, cases[i].len);
        if (got != cases[i].want)
            fail_msg("probe %s: got %d, want %d", cases[i].what, got, cases[i].want);
    }
    assert_int_equal(socks_parser.probe(FLOW_TOCLIENT, s5_method_none, 2), APP_PROBE_NO);
}

/* Each hostile input ends with a named anomaly and the parser stopped. */
static void test_hostile(void **state)
{
    (void)state;
    struct run r;

    static const uint8_t no_methods[] = {0x05, 0x00};
    run_init(&r);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOSERVER, no_methods), APP_ERROR);
    assert_true(app_run_has_anomaly(&r.app, "no_methods"));
    run_fini(&r);

    static const uint8_t empty_name[] = {0x05, 0x01, 0x00, 0x03, 0x00, 0x00, 0x50};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOSERVER, empty_name), APP_ERROR);
    assert_true(app_run_has_anomaly(&r.app, "bad_domain"));
    run_fini(&r);

    /* a name of 255 that runs over what follows: the name takes 255
     * octets, the port the next two, the rest is data before the reply */
    uint8_t big[5 + 300];
    memcpy(big, "\x05\x01\x00\x03\xff", 5);
    memset(big + 5, 'a', 300);
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOSERVER, big), APP_OK);
    assert_true(app_run_has_anomaly(&r.app, "early_data"));
    app_run_end(&r.app);
    assert_int_equal(strlen(run_str(&r, 0, "dest_host")), 255);
    assert_int_equal(run_int(&r, 0, "dest_port"), 0x6161);
    run_fini(&r);

    static const uint8_t bad_atyp[] = {0x05, 0x01, 0x00, 0x02, 1, 2, 3, 4, 0, 80};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOSERVER, bad_atyp), APP_ERROR);
    assert_true(app_run_has_anomaly(&r.app, "bad_address_type"));
    run_fini(&r);

    static const uint8_t bad_cmd[] = {0x05, 0x07, 0x00, 0x01, 1, 2, 3, 4, 0, 80};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOSERVER, bad_cmd), APP_ERROR);
    assert_true(app_run_has_anomaly(&r.app, "bad_command"));
    run_fini(&r);

    /* wrong version in each kind of reply */
    static const uint8_t v4_method[] = {0x04, 0x00};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, v4_method), APP_ERROR);
    assert_true(app_run_has_anomaly(&r.app, "bad_version"));
    run_fini(&r);

    static const uint8_t v4_reply[] = {0x04, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
    APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_method_none);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_request_name);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, v4_reply), APP_ERROR);
    assert_true(app_run_has_anomaly(&r.app, "bad_version"));
    assert_int_equal(r.record_count, 0);
    run_fini(&r);

    static const uint8_t s4_reply_v4[] = {0x04, 0x5a, 0, 0, 0, 0, 0, 0};
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s4_request);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s4_reply_v4), APP_ERROR);
    assert_true(app_run_has_anomaly(&r.app, "bad_version"));
    run_fini(&r);

    /* SOCKS 4 strings without their NUL */
    uint8_t long_user[8 + 400];
    memcpy(long_user, s4_request, 8);
    memset(long_user + 8, 'u', 400);
    run_init(&r);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOSERVER, long_user), APP_ERROR);
    assert_true(app_run_has_anomaly(&r.app, "user_too_long"));
    run_fini(&r);

    uint8_t long_host[9 + 400];
    memcpy(long_host, "\x04\x01\x00\x50\x00\x00\x00\x01\x00", 9);
    memset(long_host + 9, 'h', 400);
    run_init(&r);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOSERVER, long_host), APP_ERROR);
    assert_true(app_run_has_anomaly(&r.app, "domain_too_long"));
    run_fini(&r);

    /* the server speaking first, and a method never offered */
    run_init(&r);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_method_none), APP_ERROR);
    assert_true(app_run_has_anomaly(&r.app, "unexpected_data"));
    run_fini(&r);

    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
    APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_method_up);
    assert_true(app_run_has_anomaly(&r.app, "method_not_offered"));
    run_fini(&r);
}

/* 1 MB of pseudo-random octets in 1460-octet calls, from either side after
 * a valid start, never crashes, never grows the state, and ends in a named
 * anomaly. */
static void test_garbage_megabyte(void **state)
{
    (void)state;
    enum { MB = 1 << 20, SEG = 1460 };
    uint8_t *junk = malloc(MB);
    assert_non_null(junk);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < MB; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk[i] = (uint8_t)x;
    }
    junk[0] = 0x05; /* past the version octet, so the parser goes further */
    for (int variant = 0; variant < 3; variant++) {
        struct run r;
        run_init(&r);
        size_t mem = socks_parser.state_mem(r.app.st);
        enum flow_dir dir = FLOW_TOSERVER;
        if (variant > 0)
            APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_greeting);
        if (variant == 2) {
            APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s5_method_none);
            APP_RUN_FEED(&r.app, FLOW_TOSERVER, s5_request_name);
            dir = FLOW_TOCLIENT;
        }
        for (size_t off = 0; off < MB && r.app.result == APP_OK; off += SEG)
            app_run_feed(&r.app, dir, junk + off, MB - off < SEG ? MB - off : SEG);
        assert_int_equal(socks_parser.state_mem(r.app.st), mem);
        assert_true(r.app.result == APP_ERROR || r.app.result == APP_DONE);
        assert_true(r.app.anomaly_count > 0);
        run_fini(&r);
    }
    /* after a complete request the client's junk is only data sent early */
    struct run r;
    run_init(&r);
    APP_RUN_FEED(&r.app, FLOW_TOSERVER, s4_request);
    for (size_t off = 0; off < MB; off += SEG)
        app_run_feed(&r.app, FLOW_TOSERVER, junk + off, MB - off < SEG ? MB - off : SEG);
    assert_int_equal(r.app.result, APP_OK);
    assert_true(app_run_has_anomaly(&r.app, "early_data"));
    assert_int_equal(r.app.anomaly_count, 1);
    assert_int_equal(APP_RUN_FEED(&r.app, FLOW_TOCLIENT, s4_granted), APP_REDETECT);
    run_fini(&r);
    free(junk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_socks4_connect),
        cmocka_unit_test(test_socks4a_connect),
        cmocka_unit_test(test_socks5_no_auth),
        cmocka_unit_test(test_socks5_username_ipv6),
        cmocka_unit_test(test_socks5_pipelined_greeting),
        cmocka_unit_test(test_failure_replies),
        cmocka_unit_test(test_bind_and_udp),
        cmocka_unit_test(test_every_split_point),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_garbage_megabyte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
