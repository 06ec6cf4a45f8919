/* test_long_conn.c — long connections on constructed flow series: one long
 * quiet flow, a session split into flows by idle timeouts, short periodic
 * and random flows that never add up, streams, prevalence across hosts,
 * re-alert suppression, time going backwards, a million pairs through a
 * small table, and state saved and restored mid-session. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bhv_test.h"
#include "detect/bhv.h"
#include "detect/rare/long_conn.h"

#include <cmocka.h>

#define S 1000000ull
#define H (3600 * S)
#define T0 (1700000000ull * S)

struct seen {
    size_t count;
    char signature[256];
    double score;
    uint8_t severity;
    uint32_t sid;
    size_t techniques, parts;
    char technique[4][16];
};

static void on_alert(void *ctx, const struct bhv_alert *a)
{
    struct seen *s = ctx;
    s->count++;
    snprintf(s->signature, sizeof(s->signature), "%s", a->signature);
    s->score = a->score;
    s->severity = a->severity;
    s->sid = a->signature_id;
    s->techniques = a->technique_count;
    s->parts = a->part_count;
    for (size_t i = 0; i < a->technique_count && i < 4; i++)
        snprintf(s->technique[i], sizeof(s->technique[i]), "%s", a->techniques[i]);
    assert_true(a->score >= 0 && a->score <= 1);
    assert_true(a->score >= a->threshold);
    assert_string_equal(a->detector, "long_conn");
}

static struct bhv_conn flow(uint64_t start, uint64_t dur, uint64_t bytes)
{
    static uint64_t next_id = 1;
    return (struct bhv_conn){
        .flow_id = next_id++,
        .start_us = start,
        .end_us = start + dur,
        .client = bhv_test_ip4(10, 0, 0, 5),
        .server = bhv_test_ip4(203, 0, 113, 7),
        .client_port = 50000,
        .server_port = 443,
        .proto = 6,
        .is_client_internal = true,
        .pkts_toserver = 10,
        .pkts_toclient = 10,
        .bytes_toserver = bytes / 2,
        .bytes_toclient = bytes - bytes / 2,
    };
}

static struct long_conn *make(struct seen *seen, struct long_conn_config *cfg)
{
    struct long_conn_config def;
    if (!cfg) {
        long_conn_config_default(&def);
        cfg = &def;
    }
    struct bhv_sink sink = {on_alert, seen};
    struct long_conn *d = long_conn_new(cfg, &sink);
    assert_non_null(d);
    return d;
}

static uint64_t counter(const struct long_conn *d, const char *name)
{
    return bhv_test_counter(long_conn_counters(d), "detect.long_conn", name);
}

/* One quiet two-hour flow: alerts once, scored as RITA's 1 h base and
 * above, with the signature the contract names. */
static void test_one_long_quiet_flow(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct long_conn *d = make(&seen, NULL);
    struct bhv_conn c = flow(T0, 2 * H, 7200 * 50); /* 50 bytes/s: keepalives */
    long_conn_conn(d, &c);
    assert_int_equal(seen.count, 1);
    assert_string_equal(seen.signature,
                        "HRADBA BEHAVIOUR long connection 10.0.0.5 -> 203.0.113.7:443 for 2.0 h");
    /* duration 0.5 + 0.5 * ln 2 / ln 12 = 0.64, quiet 1, rarity 1 */
    assert_true(seen.score > 0.85 && seen.score < 0.9);
    assert_int_equal(seen.severity, 3);
    assert_int_equal(seen.sid, 9001501);
    assert_int_equal(seen.parts, 3);
    assert_string_equal(seen.technique[0], "T1071");
    assert_int_equal(seen.techniques, 1); /* 443 is a well-known port */
    long_conn_finish(d, T0 + 3 * H);
    assert_int_equal(seen.count, 1);
    long_conn_free(d);
}

/* An hours-long session the flow table cut at idle timeouts: 20-minute
 * flows, 15 minutes of silence between them, add up their connected time. */
static void test_session_split_by_idle_timeouts(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct long_conn *d = make(&seen, NULL);
    uint64_t t = T0;
    for (int i = 0; i < 3; i++) {
        struct bhv_conn c = flow(t, 18 * 60 * S, 60000);
        long_conn_conn(d, &c);
        t += 33 * 60 * S;
    }
    assert_int_equal(seen.count, 0); /* 54 min: the silences do not count */
    struct bhv_conn c = flow(t, 18 * 60 * S, 60000);
    long_conn_conn(d, &c);
    assert_int_equal(seen.count, 1);
    assert_non_null(strstr(seen.signature, "for 1.2 h"));
    /* Reconnects within a minute count their gap as connected. */
    struct seen seen2 = {0};
    struct long_conn *d2 = make(&seen2, NULL);
    t = T0;
    for (int i = 0; i < 6; i++) {
        struct bhv_conn r = flow(t, 10 * 60 * S, 1000);
        r.client = bhv_test_ip4(10, 0, 0, 6);
        long_conn_conn(d2, &r);
        t += 10 * 60 * S + 30 * S;
    }
    assert_int_equal(seen2.count, 1);
    long_conn_free(d);
    long_conn_free(d2);
}

/* Periodic one-second beacons for ten hours, and random short flows: the
 * connected time never reaches an hour, however long the pair is active. */
static void test_short_flows_never_long(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct long_conn *d = make(&seen, NULL);
    for (uint64_t t = T0; t < T0 + 10 * H; t += 60 * S) {
        struct bhv_conn c = flow(t, S, 500);
        long_conn_conn(d, &c);
    }
    srand(7);
    for (int i = 0; i < 20000; i++) {
        struct bhv_conn c = flow(T0 + (uint64_t)(rand() % 36000) * S, (uint64_t)(rand() % 30) * S,
                                 (uint64_t)(rand() % 100000));
        c.server = bhv_test_ip4(198, 51, 100, (uint8_t)(rand() % 8));
        long_conn_conn(d, &c);
    }
    assert_int_equal(seen.count, 0);
    assert_int_equal(counter(d, "alerts"), 0);
    long_conn_free(d);
}

/* A video stream moves megabytes a second: an hour of it is not worth an
 * analyst's time, thirteen hours are. */
static void test_streams(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct long_conn *d = make(&seen, NULL);
    struct bhv_conn c = flow(T0, 1 * H + 60 * S, 3600ull * 1000000);
    long_conn_conn(d, &c);
    assert_int_equal(seen.count, 0);
    assert_int_equal(counter(d, "long_below_threshold"), 1);
    c = flow(T0 + 2 * H, 13 * H, 13 * 3600ull * 1000000);
    c.server = bhv_test_ip4(198, 51, 100, 1);
    long_conn_conn(d, &c);
    assert_int_equal(seen.count, 1);
    assert_int_equal(seen.severity, 2); /* past the 12 h of RITA's "high" */
    assert_true(seen.score >= 0.65 && seen.score < 0.75);
    long_conn_free(d);
}

/* Many hosts holding quiet long connections to one service (a push or
 * chat channel): the first two are shown, then the service is common. */
static void test_prevalence(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct long_conn *d = make(&seen, NULL);
    for (uint8_t h = 1; h <= 6; h++) {
        struct bhv_conn c = flow(T0 + h * S, 90 * 60 * S, 20000);
        c.client = bhv_test_ip4(10, 0, 1, h);
        c.server = bhv_test_ip4(52, 0, 0, h); /* one name, many addresses */
        c.sni = "Push.Example.NET";
        long_conn_conn(d, &c);
        if (h == 1)
            assert_non_null(strstr(seen.signature, "-> push.example.net:443"));
    }
    assert_int_equal(seen.count, 2);
    assert_int_equal(counter(d, "long_below_threshold"), 4);
    long_conn_free(d);
}

/* Internal servers and long-lived service ports are left out by default. */
static void test_skips(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct long_conn *d = make(&seen, NULL);
    struct bhv_conn c = flow(T0, 3 * H, 1000);
    c.is_server_internal = true;
    long_conn_conn(d, &c);
    c = flow(T0, 3 * H, 1000);
    c.server_port = 5228;
    long_conn_conn(d, &c);
    assert_int_equal(seen.count, 0);
    assert_int_equal(counter(d, "skipped_internal_server"), 1);
    assert_int_equal(counter(d, "skipped_long_lived_port"), 1);
    long_conn_free(d);

    struct long_conn_config cfg;
    long_conn_config_default(&cfg);
    cfg.include_internal = true;
    cfg.skip_long_lived = false;
    d = make(&seen, &cfg);
    c = flow(T0, 3 * H, 1000);
    c.is_server_internal = true;
    c.server_port = 5228;
    long_conn_conn(d, &c);
    assert_int_equal(seen.count, 1);
    assert_int_equal(seen.techniques, 2);
    assert_string_equal(seen.technique[1], "T1571");
    long_conn_free(d);
}

/* The same pair stays long all day: one alert per realert_s. */
static void test_realert(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct long_conn *d = make(&seen, NULL);
    uint64_t t = T0;
    for (int i = 0; i < 40; i++) { /* 2 h sessions an hour apart, for 5 days */
        struct bhv_conn c = flow(t, 2 * H, 1000);
        long_conn_conn(d, &c);
        long_conn_tick(d, t + 2 * H);
        t += 3 * H;
    }
    assert_int_equal(seen.count, 5);
    assert_int_equal(counter(d, "alerts"), 5);
    assert_int_equal(counter(d, "alerts_suppressed_realert"), 35);
    long_conn_free(d);
}

/* Merged captures step back in time; flows with end before start. */
static void test_time_backwards(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct long_conn *d = make(&seen, NULL);
    struct bhv_conn c = flow(T0 + 100 * H, 30 * 60 * S, 1000);
    long_conn_conn(d, &c);
    c = flow(T0, 30 * 60 * S, 1000); /* four days back, same pair */
    long_conn_conn(d, &c);
    assert_int_equal(counter(d, "time_backwards"), 2); /* behind the clock, behind the session */
    c = flow(T0 + 101 * H, 0, 1000);
    c.end_us = c.start_us - 5 * H; /* end before start */
    long_conn_conn(d, &c);
    assert_int_equal(counter(d, "end_before_start"), 1);
    c = flow(0, UINT64_MAX, 1000); /* the whole of time */
    long_conn_conn(d, &c);
    c = flow(UINT64_MAX - 10, 5, 0);
    long_conn_conn(d, &c);
    long_conn_tick(d, 0);
    long_conn_finish(d, UINT64_MAX);
    assert_true(seen.count <= 2);
    long_conn_free(d);
}

/* A million pairs through a table of a thousand: bounded, every eviction
 * counted, memory unchanged. */
static void test_million_pairs(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct long_conn_config cfg;
    long_conn_config_default(&cfg);
    cfg.pairs_max = 1000;
    cfg.servers_max = 100;
    struct long_conn *d = make(&seen, &cfg);
    size_t mem = long_conn_memory(d);
    for (uint32_t i = 0; i < 1000000; i++) {
        struct bhv_conn c = flow(T0 + i * 10 * S, 20 * S, 100);
        c.server = bhv_test_ip4(100, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i);
        long_conn_conn(d, &c);
    }
    assert_int_equal(counter(d, "pairs_evicted"), 1000000 - 1000);
    assert_int_equal(counter(d, "sessions_started"), 1000000);
    assert_int_equal(long_conn_memory(d), mem);
    assert_int_equal(seen.count, 0);
    long_conn_free(d);
}

/* Half a session before a restart, half after: the restored state joins
 * them; another detector's state or a damaged file starts afresh. */
static void test_save_load(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct long_conn *d = make(&seen, NULL);
    struct bhv_conn c = flow(T0, 40 * 60 * S, 1000);
    long_conn_conn(d, &c);
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(long_conn_save(d, fp), 0);
    long size = ftell(fp);
    long_conn_free(d);

    d = make(&seen, NULL);
    rewind(fp);
    char err[200] = "";
    assert_int_equal(long_conn_load(d, fp, err, sizeof(err)), 0);
    c = flow(T0 + 40 * 60 * S + 20 * S, 40 * 60 * S, 1000);
    long_conn_conn(d, &c);
    assert_int_equal(seen.count, 1);
    assert_non_null(strstr(seen.signature, "for 1.3 h"));
    long_conn_free(d);

    /* Damaged: cut short in the middle of the sessions. */
    FILE *cut = tmpfile();
    rewind(fp);
    char *buf = malloc((size_t)size);
    assert_int_equal(fread(buf, 1, (size_t)size, fp), (size_t)size);
    assert_true(size > 120);
    fwrite(buf, 1, 100, cut);
    rewind(cut);
    d = make(&seen, NULL);
    assert_int_equal(long_conn_load(d, cut, err, sizeof(err)), -EIO);
    c = flow(T0 + 40 * 60 * S + 20 * S, 40 * 60 * S, 1000);
    long_conn_conn(d, &c); /* starts afresh: 40 minutes are not long */
    assert_int_equal(seen.count, 1);
    long_conn_free(d);
    /* Not long_conn state at all. */
    rewind(cut);
    static const char other[] = "HRLATR1\0 something else entirely";
    fwrite(other, 1, sizeof(other), cut);
    rewind(cut);
    d = make(&seen, NULL);
    assert_int_equal(long_conn_load(d, cut, err, sizeof(err)), -EINVAL);
    assert_true(strlen(err) > 0);
    long_conn_free(d);
    free(buf);
    fclose(cut);
    fclose(fp);
}

static void test_options(void **state)
{
    (void)state;
    assert_true(long_conn_option_count >= 10);
    for (size_t i = 0; i < long_conn_option_count; i++) {
        assert_int_equal(strncmp(long_conn_options[i].key, "long_conn.", 10), 0);
        assert_true(long_conn_options[i].offset < sizeof(struct long_conn_config));
        assert_non_null(long_conn_options[i].help);
    }
    struct long_conn_config cfg;
    long_conn_config_default(&cfg);
    cfg.pairs_max = 0;
    assert_null(long_conn_new(&cfg, NULL));
    long_conn_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_long_quiet_flow),
        cmocka_unit_test(test_session_split_by_idle_timeouts),
        cmocka_unit_test(test_short_flows_never_long),
        cmocka_unit_test(test_streams),
        cmocka_unit_test(test_prevalence),
        cmocka_unit_test(test_skips),
        cmocka_unit_test(test_realert),
        cmocka_unit_test(test_time_backwards),
        cmocka_unit_test(test_million_pairs),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
