/* test_lateral.c — lateral spread on constructed connection series: a burst
 * of new SMB peers, an admin host's known peers, slow and random spread
 * that stays under the threshold, a host whose usual rate is high, a burst
 * across a window boundary, re-alerts, time going backwards, a million
 * destinations from one host, and state saved and restored mid-window. */
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
#include "detect/rare/lateral.h"

#include <cmocka.h>

#define S 1000000ull
#define H (3600 * S)
#define T0 (1700000000ull * S)

struct seen {
    size_t count;
    char signature[256];
    char destinations[512];
    char category[64];
    double score;
    uint8_t severity;
    uint32_t sid;
    size_t techniques;
    char technique[4][16];
};

static void on_alert(void *ctx, const struct bhv_alert *a)
{
    struct seen *s = ctx;
    s->count++;
    snprintf(s->signature, sizeof(s->signature), "%s", a->signature);
    snprintf(s->category, sizeof(s->category), "%s", a->category);
    s->score = a->score;
    s->severity = a->severity;
    s->sid = a->signature_id;
    s->techniques = a->technique_count;
    for (size_t i = 0; i < a->technique_count && i < 4; i++)
        snprintf(s->technique[i], sizeof(s->technique[i]), "%s", a->techniques[i]);
    s->destinations[0] = '\0';
    for (size_t i = 0; i < a->observed_count; i++)
        if (strcmp(a->observed[i].name, "destinations") == 0)
            snprintf(s->destinations, sizeof(s->destinations), "%s", a->observed[i].text);
    assert_true(a->score >= a->threshold && a->score <= 1);
    assert_string_equal(a->detector, "lateral");
    assert_true(a->observed_count > 0 && a->baseline_count > 0);
}

/* src 10.0.0.5 to 10.0.<hi>.<lo> on port, answered with data. */
static void conn(struct lateral *d, uint64_t t, uint16_t port, uint8_t hi, uint8_t lo)
{
    static uint64_t next_id = 1;
    struct bhv_conn c = {
        .flow_id = next_id++,
        .start_us = t,
        .end_us = t + 2 * S,
        .client = bhv_test_ip4(10, 0, 0, 5),
        .server = bhv_test_ip4(10, 0, hi, lo),
        .client_port = 49152,
        .server_port = port,
        .proto = 6,
        .is_client_internal = true,
        .is_server_internal = true,
        .pkts_toserver = 12,
        .pkts_toclient = 10,
    };
    lateral_conn(d, &c);
}

static struct lateral *make(struct seen *seen, struct lateral_config *cfg)
{
    struct lateral_config def;
    if (!cfg) {
        lateral_config_default(&def);
        cfg = &def;
    }
    struct bhv_sink sink = {on_alert, seen};
    struct lateral *d = lateral_new(cfg, &sink);
    assert_non_null(d);
    return d;
}

static uint64_t counter(const struct lateral *d, const char *name)
{
    return bhv_test_counter(lateral_counters(d), "detect.lateral", name);
}

/* Six new SMB peers in ten minutes from a host that had none: alerts at
 * the fifth, names them, and maps to T1021.002. */
static void test_smb_burst(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct lateral *d = make(&seen, NULL);
    for (uint8_t i = 1; i <= 4; i++)
        conn(d, T0 + i * 100 * S, 445, 1, i);
    assert_int_equal(seen.count, 0);
    conn(d, T0 + 500 * S, 445, 1, 5);
    assert_int_equal(seen.count, 1);
    assert_string_equal(seen.signature,
                        "HRADBA BEHAVIOUR lateral spread from 10.0.0.5 over SMB to 5 new hosts");
    assert_string_equal(seen.destinations, "10.0.1.1,10.0.1.2,10.0.1.3,10.0.1.4,10.0.1.5");
    /* P(X >= 5 | 0.5) = 1.7e-4: 3.77 digits of 6 */
    assert_true(seen.score > 0.6 && seen.score < 0.66);
    assert_int_equal(seen.sid, 9001602);
    assert_int_equal(seen.severity, 2);
    assert_string_equal(seen.category, "Potentially Bad Traffic");
    assert_string_equal(seen.technique[0], "T1021");
    assert_string_equal(seen.technique[1], "T1021.002");
    conn(d, T0 + 600 * S, 445, 1, 6);
    assert_int_equal(seen.count, 1); /* re-alert suppressed */
    assert_int_equal(counter(d, "alerts_suppressed_realert"), 1);
    /* The same host over RDP is another finding. */
    for (uint8_t i = 1; i <= 5; i++)
        conn(d, T0 + 700 * S + i * S, 3389, 1, i);
    assert_int_equal(seen.count, 2);
    assert_int_equal(seen.sid, 9001601);
    lateral_free(d);
}

/* An admin host reaching the same 20 servers over SSH every day: the
 * first day is new (one alert, or none while learning), then nothing. */
static void test_known_pairs(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct lateral *d = make(&seen, NULL);
    struct lateral_config cfg;
    lateral_config_default(&cfg);
    cfg.learn_s = 86400;
    struct seen quiet = {0};
    struct lateral *learning = make(&quiet, &cfg);
    for (int day = 0; day < 10; day++)
        for (uint8_t i = 1; i <= 20; i++) {
            conn(d, T0 + (uint64_t)day * 24 * H + i * 60 * S, 22, 2, i);
            conn(learning, T0 + (uint64_t)day * 24 * H + i * 60 * S, 22, 2, i);
        }
    assert_int_equal(seen.count, 1);
    assert_int_equal(counter(d, "new_pairs"), 20);
    assert_int_equal(quiet.count, 0);
    assert_int_equal(counter(learning, "new_pairs_while_learning"), 20);
    lateral_free(d);
    lateral_free(learning);
}

/* One new peer every two hours, and random sparse spread over a week:
 * never five in a window. */
static void test_slow_and_random(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct lateral *d = make(&seen, NULL);
    for (uint8_t i = 1; i < 80; i++)
        conn(d, T0 + i * 2 * H, 3389, 3, i);
    srand(11);
    uint64_t t = T0;
    for (int i = 0; i < 200; i++) {
        t += (uint64_t)(1800 + rand() % 5400) * S; /* 30..120 min apart */
        conn(d, t, 5985, (uint8_t)(4 + i / 250), (uint8_t)(i % 250 + 1));
    }
    assert_int_equal(seen.count, 0);
    assert_true(counter(d, "new_pairs") == 79 + 200);
    lateral_free(d);
}

/* A host whose job is reaching new hosts (ten an hour for two weeks) has
 * a usual rate of about nine: twelve is normal, forty is not. */
static void test_high_baseline(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct lateral *d = make(&seen, NULL);
    uint32_t peer = 0;
    uint64_t t = T0;
    for (int w = 0; w < 336; w++) {
        for (int i = 0; i < 10; i++, peer++)
            conn(d, t + (uint64_t)i * 300 * S, 22, (uint8_t)(peer >> 8), (uint8_t)peer);
        t += H;
    }
    /* New behaviour alerts once a day until the usual rate has caught up
     * (a week's EWMA from zero): the first days, then not again. */
    size_t before = seen.count;
    assert_true(before >= 1 && before <= 4);
    for (int i = 0; i < 12; i++, peer++)
        conn(d, t + (uint64_t)i * 200 * S, 22, (uint8_t)(peer >> 8), (uint8_t)peer);
    assert_int_equal(seen.count, before);
    t += H;
    for (int i = 0; i < 40; i++, peer++)
        conn(d, t + (uint64_t)i * 60 * S, 22, (uint8_t)(peer >> 8), (uint8_t)peer);
    assert_int_equal(seen.count, before + 1);
    assert_string_equal(seen.technique[1], "T1021.004");
    lateral_free(d);
}

/* Three new peers in a window, two of them at its end, and three at the
 * start of the next: a tumbling window would see three and three. */
static void test_window_boundary(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct lateral *d = make(&seen, NULL);
    conn(d, T0, 445, 9, 1); /* opens the window */
    conn(d, T0 + 3590 * S, 445, 9, 2);
    conn(d, T0 + 3595 * S, 445, 9, 3);
    conn(d, T0 + 3601 * S, 445, 9, 4);
    conn(d, T0 + 3602 * S, 445, 9, 5);
    assert_int_equal(seen.count, 0);
    conn(d, T0 + 3603 * S, 445, 9, 6);
    assert_int_equal(seen.count, 1);
    assert_non_null(strstr(seen.signature, "to 5 new hosts"));
    lateral_free(d);
}

/* Only internal-to-internal connections on the services count. */
static void test_scope(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct lateral *d = make(&seen, NULL);
    for (uint8_t i = 1; i <= 10; i++) {
        struct bhv_conn c = {
            .start_us = T0 + i * S,
            .end_us = T0 + i * S,
            .client = bhv_test_ip4(10, 0, 0, 5),
            .server = bhv_test_ip4(198, 51, 100, i),
            .server_port = 22,
            .is_client_internal = true,
        };
        lateral_conn(d, &c);
        c.server = bhv_test_ip4(10, 0, 7, i);
        c.is_server_internal = true;
        c.server_port = 443;
        lateral_conn(d, &c);
    }
    assert_int_equal(seen.count, 0);
    assert_int_equal(counter(d, "skipped_not_internal"), 10);
    assert_int_equal(counter(d, "skipped_other_port"), 10);
    lateral_free(d);
}

/* A worm sweeping port 445 (a million destinations, none answering)
 * through small tables: bounded, evictions counted, one alert, a scan. */
static void test_million_destinations(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct lateral_config cfg;
    lateral_config_default(&cfg);
    cfg.pairs_max = 1000;
    cfg.sources_max = 10;
    struct lateral *d = make(&seen, &cfg);
    size_t mem = lateral_memory(d);
    for (uint32_t i = 0; i < 1000000; i++) {
        struct bhv_conn c = {
            .flow_id = i,
            .start_us = T0 + i * 1000ull,
            .end_us = T0 + i * 1000ull,
            .client = bhv_test_ip4(10, 0, 0, 66),
            .server = bhv_test_ip4(10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i),
            .server_port = 445,
            .is_client_internal = true,
            .is_server_internal = true,
            .pkts_toserver = 1,
        };
        lateral_conn(d, &c);
    }
    assert_int_equal(seen.count, 1);
    assert_string_equal(seen.category, "Detection of a Network Scan");
    assert_int_equal(seen.techniques, 3);
    assert_string_equal(seen.technique[2], "T1046");
    assert_int_equal(counter(d, "pairs_evicted"), 1000000 - 1000);
    assert_int_equal(counter(d, "new_pairs"), 1000000);
    assert_int_equal(lateral_memory(d), mem);
    lateral_tick(d, T0 + 2000 * S);
    lateral_free(d);
}

/* Backwards steps are counted and fold into the current window. */
static void test_time_backwards(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct lateral *d = make(&seen, NULL);
    conn(d, T0 + 100 * H, 445, 5, 1);
    conn(d, T0, 445, 5, 2);
    conn(d, 0, 445, 5, 3);
    assert_int_equal(counter(d, "time_backwards"), 2);
    conn(d, UINT64_MAX - 3 * S, 445, 5, 4);
    conn(d, 5, 445, 5, 5);
    lateral_tick(d, 0);
    lateral_finish(d, UINT64_MAX);
    assert_true(seen.count <= 1);
    lateral_free(d);
}

/* Known pairs and a half-full window survive a restart. */
static void test_save_load(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct lateral *d = make(&seen, NULL);
    conn(d, T0, 445, 6, 1);
    conn(d, T0 + 10 * S, 445, 6, 2);
    conn(d, T0 + 20 * S, 445, 6, 3);
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(lateral_save(d, fp), 0);
    lateral_free(d);
    d = make(&seen, NULL);
    rewind(fp);
    char err[200] = "";
    assert_int_equal(lateral_load(d, fp, err, sizeof(err)), 0);
    conn(d, T0 + 30 * S, 445, 6, 1); /* known: not new */
    conn(d, T0 + 40 * S, 445, 6, 2);
    assert_int_equal(counter(d, "new_pairs"), 0);
    conn(d, T0 + 50 * S, 445, 6, 4);
    assert_int_equal(seen.count, 0);
    conn(d, T0 + 60 * S, 445, 6, 5);
    assert_int_equal(seen.count, 1);
    lateral_free(d);
    /* Something else: refused, fresh. */
    rewind(fp);
    fwrite("HRRARE1", 1, 8, fp);
    rewind(fp);
    d = make(&seen, NULL);
    assert_int_equal(lateral_load(d, fp, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "lateral"));
    lateral_free(d);
    fclose(fp);
}

static void test_options(void **state)
{
    (void)state;
    for (size_t i = 0; i < lateral_option_count; i++) {
        assert_int_equal(strncmp(lateral_options[i].key, "lateral.", 8), 0);
        assert_true(lateral_options[i].offset < sizeof(struct lateral_config));
    }
    struct lateral_config cfg;
    lateral_config_default(&cfg);
    cfg.sources_max = 0;
    assert_null(lateral_new(&cfg, NULL));
    lateral_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smb_burst),
        cmocka_unit_test(test_known_pairs),
        cmocka_unit_test(test_slow_and_random),
        cmocka_unit_test(test_high_baseline),
        cmocka_unit_test(test_window_boundary),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_million_destinations),
        cmocka_unit_test(test_time_backwards),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
