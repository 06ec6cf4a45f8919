/* test_beacon.c — the beaconing detector on constructed series: periodic
 * and jittered schedules score high, human bursts and Poisson arrivals
 * low; time going backwards, a billion-connection pair and a million
 * destinations stay bounded and counted; re-alerts are held back; saved
 * state carries on to the same alerts. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bhv_test.h"
#include "detect/beacon/beacon.h"

#include <cmocka.h>

#define T0 1700000000ull /* 2023-11-14, seconds */
#define S(x) ((uint64_t)(x)*1000000ull)

/* What the sink saw: every alert's score and time, the last one whole. */
struct seen {
    int count;
    double scores[512];
    uint64_t times[512];
    uint32_t sids[512];
    char signature[256], target[128], explanation[640];
    double score;
    uint8_t severity;
    char category[64];
    char names[2][16][40]; /* observed, baseline */
    double nums[2][16];
    char texts[2][16][40];
    size_t fact_count[2];
    char part_names[8][40];
    double parts[8];
    size_t part_count;
    char techniques[4][16];
    size_t technique_count;
};

static void on_alert(void *ctx, const struct bhv_alert *a)
{
    struct seen *s = ctx;
    if (s->count < 512) {
        s->scores[s->count] = a->score;
        s->times[s->count] = a->ts_us;
        s->sids[s->count] = a->signature_id;
    }
    s->count++;
    snprintf(s->signature, sizeof(s->signature), "%s", a->signature);
    snprintf(s->target, sizeof(s->target), "%s", a->target ? a->target : "");
    snprintf(s->explanation, sizeof(s->explanation), "%s", a->explanation);
    snprintf(s->category, sizeof(s->category), "%s", a->category);
    s->score = a->score;
    s->severity = a->severity;
    for (int b = 0; b < 2; b++) {
        const struct bhv_fact *f = b ? a->baseline : a->observed;
        s->fact_count[b] = b ? a->baseline_count : a->observed_count;
        for (size_t i = 0; i < s->fact_count[b]; i++) {
            snprintf(s->names[b][i], 40, "%s", f[i].name);
            s->nums[b][i] = f[i].kind == BHV_FACT_TIME ? (double)f[i].time_us : f[i].num;
            snprintf(s->texts[b][i], 40, "%s", f[i].kind == BHV_FACT_TEXT ? f[i].text : "");
        }
    }
    s->part_count = a->part_count;
    for (size_t i = 0; i < a->part_count; i++) {
        snprintf(s->part_names[i], 40, "%s", a->parts[i].name);
        s->parts[i] = a->parts[i].value;
    }
    s->technique_count = a->technique_count;
    for (size_t i = 0; i < a->technique_count; i++)
        snprintf(s->techniques[i], 16, "%s", a->techniques[i]);
}

static double fact(const struct seen *s, int baseline, const char *name)
{
    for (size_t i = 0; i < s->fact_count[baseline]; i++)
        if (strcmp(s->names[baseline][i], name) == 0)
            return s->nums[baseline][i];
    fail_msg("no fact %s", name);
    return 0;
}

static const char *fact_text(const struct seen *s, const char *name)
{
    for (size_t i = 0; i < s->fact_count[0]; i++)
        if (strcmp(s->names[0][i], name) == 0)
            return s->texts[0][i];
    return "";
}

static uint64_t counter(const struct beacon *b, const char *name)
{
    return bhv_test_counter(beacon_counters(b), "detect.beacon", name);
}

/* A driver that ticks every 60 s of capture time, as the dispatcher does. */
struct run {
    struct beacon *b;
    struct seen seen;
    uint64_t next_tick_us;
};

static void run_start(struct run *r, const struct beacon_config *cfg)
{
    memset(r, 0, sizeof(*r));
    struct bhv_sink sink = {on_alert, &r->seen};
    r->b = beacon_new(cfg, &sink);
    assert_non_null(r->b);
}

static void run_to(struct run *r, uint64_t now_us)
{
    if (!r->next_tick_us)
        r->next_tick_us = now_us - now_us % S(60) + S(60);
    while (now_us >= r->next_tick_us) {
        beacon_tick(r->b, r->next_tick_us);
        r->next_tick_us += S(60);
    }
}

static void conn_at(struct run *r, uint64_t start_us, uint64_t bytes, struct bhv_ip dst,
                    const char *sni)
{
    run_to(r, start_us);
    struct bhv_conn c = {
        .flow_id = start_us,
        .start_us = start_us,
        .end_us = start_us + 1500000,
        .client = bhv_test_ip4(10, 0, 0, 5),
        .server = dst,
        .client_port = 50000,
        .server_port = 443,
        .proto = 6,
        .is_client_internal = true,
        .bytes_toserver = bytes / 3,
        .bytes_toclient = bytes - bytes / 3,
        .sni = sni,
    };
    beacon_conn(r->b, &c);
}

static uint64_t rng_state = 88172645463325252ull;

static double uniform(void) /* [0, 1) */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* The score of a whole series (times in seconds from T0, sizes) in a
 * capture of one day, as beacon_finish sees it: threshold 0 and no
 * re-alert interval make every scoring an alert, the last one the full
 * series. */
static double series_score(const double *t, const double *size, size_t n, struct seen *out)
{
    struct beacon_config cfg;
    beacon_config_default(&cfg);
    cfg.threshold = 0;
    cfg.realert_s = 0;
    cfg.track_names = false;
    struct run *r = calloc(1, sizeof(*r));
    run_start(r, &cfg);
    conn_at(r, S(T0), 100, bhv_test_ip4(192, 0, 2, 1), NULL); /* other traffic opens the capture */
    for (size_t i = 0; i < n; i++)
        conn_at(r, S(T0) + (uint64_t)(t[i] * 1e6), (uint64_t)size[i], bhv_test_ip4(203, 0, 113, 7),
                NULL);
    beacon_finish(r->b, S(T0 + 86400));
    assert_true(r->seen.count > 0);
    double score = r->seen.score;
    if (out)
        *out = r->seen;
    beacon_free(r->b);
    free(r);
    return score;
}

static double times_[40000], sizes_[40000];

static void test_periodic(void **state)
{
    (void)state;
    size_t n = 0;
    for (double t = 0; t < 86400; t += 300, n++) {
        times_[n] = t;
        sizes_[n] = 512;
    }
    struct seen *s = malloc(sizeof(*s));
    double score = series_score(times_, sizes_, n, s);
    print_message("periodic 300 s: %.3f\n", score);
    assert_true(score >= 0.99);
    assert_true(fact(s, 0, "period_s") == 300);
    assert_true(fact(s, 0, "jitter_s") == 0);
    print_message("connections %.0f, samples %.0f\n", fact(s, 0, "connections"),
                  fact(s, 0, "samples"));
    assert_true(fabs(fact(s, 0, "connections") - 288) <= 2); /* estimated: 288 > 64 samples */
    assert_true(fact(s, 0, "samples") == 64);
    assert_true(fact(s, 0, "bytes_median") == 512);
    free(s);
}

static void test_jittered(void **state)
{
    (void)state;
    size_t n = 0;
    for (double t = 0; t < 86400; n++) {
        times_[n] = t;
        sizes_[n] = 512 * (0.95 + 0.1 * uniform());
        t += 300 * (0.9 + 0.2 * uniform()); /* +-10% */
    }
    double score = series_score(times_, sizes_, n, NULL);
    print_message("jittered +-10%%: %.3f\n", score);
    assert_true(score >= 0.9);
    /* Even +-50% on the interval keeps a steady hour-by-hour shape. */
    n = 0;
    for (double t = 0; t < 86400; n++) {
        times_[n] = t;
        sizes_[n] = 512;
        t += 300 * (0.5 + uniform());
    }
    score = series_score(times_, sizes_, n, NULL);
    print_message("jittered +-50%%: %.3f\n", score);
    assert_true(score >= 0.85);
}

/* Office hours, bursts of a few connections seconds apart at random, sizes
 * of web pages: a person. */
static void test_bursty(void **state)
{
    (void)state;
    size_t n = 0;
    for (double t = 9 * 3600; t < 17 * 3600;) {
        int burst = 3 + (int)(uniform() * 6);
        for (int k = 0; k < burst; k++, n++) {
            times_[n] = t + k * (1 + 4 * uniform());
            sizes_[n] = 2000 + 200000 * uniform() * uniform();
        }
        t += -1200 * log(1 - uniform());
    }
    double score = series_score(times_, sizes_, n, NULL);
    print_message("bursty office hours (%zu conns): %.3f\n", n, score);
    assert_true(score < 0.6);
}

/* Poisson arrivals, mean 300 s, all day: busy but not scheduled. */
static void test_random(void **state)
{
    (void)state;
    size_t n = 0;
    for (double t = 0; t < 86400; n++) {
        times_[n] = t;
        sizes_[n] = 300 + 20000 * uniform();
        t += -300 * log(1 - uniform());
    }
    double score = series_score(times_, sizes_, n, NULL);
    print_message("poisson, random sizes: %.3f\n", score);
    assert_true(score < 0.8);
    /* Fixed sizes lift it (a keepalive sent at random), still below 0.9. */
    for (size_t i = 0; i < n; i++)
        sizes_[i] = 400;
    score = series_score(times_, sizes_, n, NULL);
    print_message("poisson, fixed sizes: %.3f\n", score);
    assert_true(score < 0.9);
}

/* Defaults: one alert per pair and finding, explained. */
static void test_alert_contents(void **state)
{
    (void)state;
    struct beacon_config cfg;
    beacon_config_default(&cfg);
    struct run *r = calloc(1, sizeof(*r));
    run_start(r, &cfg);
    for (uint64_t t = 0; t < 86400; t += 300)
        conn_at(r, S(T0 + t), 512, bhv_test_ip4(203, 0, 113, 7), "C2.Example");
    beacon_finish(r->b, S(T0 + 86400));
    /* The IP pair and the SNI pair, once each: later scorings are held
     * back by the re-alert interval. */
    assert_int_equal(r->seen.count, 2);
    assert_true(r->seen.sids[0] != r->seen.sids[1]);
    assert_true(r->seen.sids[0] == 9001101 || r->seen.sids[0] == 9001102);
    assert_true(r->seen.scores[0] >= 0.9 && r->seen.scores[1] >= 0.9);
    assert_true(counter(r->b, "alerts.suppressed_realert") > 0);
    assert_int_equal(counter(r->b, "alerts"), 2);
    /* The last one whole (either order): */
    struct seen *s = &r->seen;
    int is_sni = strcmp(fact_text(s, "pair_kind"), "sni") == 0;
    assert_string_equal(s->signature, is_sni
                                          ? "HRADBA BEHAVIOUR beaconing 10.0.0.5 -> c2.example"
                                          : "HRADBA BEHAVIOUR beaconing 10.0.0.5 -> 203.0.113.7");
    assert_string_equal(s->target, is_sni ? "c2.example" : "203.0.113.7");
    assert_int_equal(s->severity, 2);
    assert_string_equal(s->category, "A Network Trojan was detected");
    assert_true(fact(s, 0, "period_s") == 300);
    assert_true(fact(s, 0, "dest_port") == 443);
    assert_true(fact(s, 0, "first_seen") >= (double)S(T0));
    assert_true(fact(s, 1, "host_pairs") == 2);
    assert_true(fact(s, 1, "active_hosts") == 1);
    assert_true(fact(s, 1, "target_hosts") == 1);
    assert_int_equal(s->part_count, 8);
    assert_string_equal(s->part_names[0], "timestamp");
    assert_string_equal(s->part_names[3], "duration");
    assert_string_equal(s->techniques[0], "T1071");
    assert_int_equal(s->technique_count, is_sni ? 2 : 1);
    if (is_sni)
        assert_string_equal(s->techniques[1], "T1573");
    assert_non_null(strstr(s->explanation, "every 300 s"));
    beacon_free(r->b);
    free(r);
}

static void test_dns_pairs(void **state)
{
    (void)state;
    struct beacon_config cfg;
    beacon_config_default(&cfg);
    struct run *r = calloc(1, sizeof(*r));
    run_start(r, &cfg);
    for (uint64_t t = 0; t < 6 * 3600; t += 60) {
        run_to(r, S(T0 + t));
        struct bhv_dns q = {
            .ts_us = S(T0 + t),
            .client = bhv_test_ip4(10, 0, 0, 9),
            .server = bhv_test_ip4(10, 0, 0, 1),
            .is_client_internal = true,
            .qname = "Update.Beacon.Example",
            .qtype = 16,
            .has_response = true,
            .response_len = 120,
        };
        beacon_dns(r->b, &q);
        q.client = bhv_test_ip4(198, 51, 100, 1); /* an outside client: not ours to score */
        q.is_client_internal = false;
        beacon_dns(r->b, &q);
    }
    beacon_finish(r->b, S(T0 + 6 * 3600));
    assert_int_equal(r->seen.count, 1);
    assert_string_equal(r->seen.target, "update.beacon.example");
    assert_string_equal(fact_text(&r->seen, "pair_kind"), "dns");
    assert_int_equal(r->seen.sids[0], 9001104);
    assert_string_equal(r->seen.techniques[1], "T1071.004");
    assert_true(counter(r->b, "skipped.external_client") == 6 * 60);
    beacon_free(r->b);
    free(r);
}

/* A merged capture: a day, then the previous day again, then more. */
static void test_time_backwards(void **state)
{
    (void)state;
    struct beacon_config cfg;
    beacon_config_default(&cfg);
    struct run *r = calloc(1, sizeof(*r));
    run_start(r, &cfg);
    struct bhv_ip dst = bhv_test_ip4(203, 0, 113, 7);
    for (uint64_t t = 86400; t < 2 * 86400; t += 300)
        conn_at(r, S(T0 + t), 512, dst, NULL);
    for (uint64_t t = 0; t < 86400; t += 300) /* a day earlier: behind by up to 2 days */
        conn_at(r, S(T0 + t), 512, dst, NULL);
    for (uint64_t t = 2 * 86400; t < 2 * 86400 + 3600; t += 300)
        conn_at(r, S(T0 + t), 512, dst, NULL);
    /* Times near zero and at the far end of uint64 do not break it. */
    conn_at(r, 0, 1, dst, NULL);
    beacon_tick(r->b, 1);
    struct bhv_conn odd = {.start_us = UINT64_MAX - 5, .end_us = 3, .is_client_internal = true};
    odd.client = bhv_test_ip4(10, 0, 0, 5);
    odd.server = dst;
    beacon_conn(r->b, &odd);
    beacon_tick(r->b, UINT64_MAX);
    beacon_finish(r->b, UINT64_MAX);
    assert_true(counter(r->b, "time.backwards") >= 288);
    assert_true(counter(r->b, "time.too_old") > 0);
    assert_true(r->seen.count >= 1); /* the first day alerted before the jump back */
    beacon_free(r->b);
    free(r);
}

/* One pair, ten million connections (about 116 a second for a day): the
 * state stays one record, the histogram comes from the coarse counts, and
 * the machine-like schedule is still found. */
static void test_billion_connections(void **state)
{
    (void)state;
    struct beacon_config cfg;
    beacon_config_default(&cfg);
    struct run *r = calloc(1, sizeof(*r));
    run_start(r, &cfg);
    size_t mem = beacon_memory(r->b);
    struct bhv_conn c = {
        .client = bhv_test_ip4(10, 0, 0, 5),
        .server = bhv_test_ip4(203, 0, 113, 7),
        .server_port = 443,
        .is_client_internal = true,
        .bytes_toserver = 100,
        .bytes_toclient = 200,
    };
    const uint64_t n = 10000000, step_us = 86400000000ull / n;
    for (uint64_t i = 0; i < n; i++) {
        c.start_us = S(T0) + i * step_us;
        c.end_us = c.start_us + 1000;
        c.flow_id = i;
        if (c.start_us >= r->next_tick_us)
            run_to(r, c.start_us);
        beacon_conn(r->b, &c);
    }
    beacon_finish(r->b, S(T0 + 86400));
    assert_int_equal(beacon_memory(r->b), mem);
    assert_int_equal(counter(r->b, "pairs.current"), 1);
    assert_int_equal(counter(r->b, "conns"), n);
    assert_true(counter(r->b, "pairs.scored_coarse") > 0);
    assert_int_equal(r->seen.count, 1);
    assert_true(r->seen.scores[0] >= 0.9);
    beacon_free(r->b);
    free(r);
}

/* One host, a million destinations: the candidate table churns (counted),
 * the pair table and memory stay put, and a real beacon among them is
 * still found. Then every destination twice: pairs are evicted, counted. */
static void test_million_destinations(void **state)
{
    (void)state;
    struct beacon_config cfg;
    beacon_config_default(&cfg);
    cfg.max_candidates = 4096;
    cfg.max_pairs = 256;
    struct run *r = calloc(1, sizeof(*r));
    run_start(r, &cfg);
    size_t mem = beacon_memory(r->b);
    for (uint32_t i = 0; i < 1000000; i++) {
        uint64_t t = S(T0) + (uint64_t)i * 86400; /* a day over a million: one each 86 ms */
        conn_at(r, t, 60, bhv_test_ip4(100, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i),
                NULL);
        if (i % 3472 == 0) /* every 300 s */
            conn_at(r, t, 512, bhv_test_ip4(203, 0, 113, 7), NULL);
    }
    beacon_finish(r->b, S(T0 + 86400));
    assert_int_equal(beacon_memory(r->b), mem);
    assert_true(counter(r->b, "candidates.evicted") >= 1000000 - 4096);
    assert_true(counter(r->b, "candidates.current") <= 4096);
    assert_int_equal(counter(r->b, "pairs.current"), 1);
    assert_int_equal(r->seen.count, 1);
    assert_string_equal(r->seen.target, "203.0.113.7");

    for (uint32_t i = 0; i < 100000; i++) {
        uint64_t t = S(T0 + 86400) + (uint64_t)i * 100000;
        struct bhv_ip dst = bhv_test_ip4(100, 64, (uint8_t)(i >> 8), (uint8_t)i);
        dst.b[1] = (uint8_t)(64 + (i >> 16));
        conn_at(r, t, 60, dst, NULL);
        conn_at(r, t + 1000, 60, dst, NULL);
    }
    beacon_finish(r->b, S(T0 + 86400 + 10000));
    assert_true(counter(r->b, "pairs.evicted") >= 100000 - 256);
    assert_true(counter(r->b, "pairs.current") <= 256);
    assert_int_equal(beacon_memory(r->b), mem);
    beacon_free(r->b);
    free(r);
}

/* A capture of fifteen minutes: the window is the capture, as RITA's
 * dataset span, and a 10 s beacon is found by beacon_finish at the latest. */
static void test_short_capture(void **state)
{
    (void)state;
    struct beacon_config cfg;
    beacon_config_default(&cfg);
    struct beacon *b;
    struct seen *s = calloc(1, sizeof(*s));
    struct bhv_sink sink = {on_alert, s};
    b = beacon_new(&cfg, &sink);
    for (uint64_t t = 0; t < 900; t += 10) {
        struct bhv_conn c = {
            .start_us = S(T0 + t),
            .end_us = S(T0 + t) + 200000,
            .client = bhv_test_ip4(10, 0, 0, 5),
            .server = bhv_test_ip4(203, 0, 113, 7),
            .is_client_internal = true,
            .bytes_toserver = 200,
            .bytes_toclient = 300,
        };
        beacon_conn(b, &c);
    }
    beacon_finish(b, S(T0 + 900));
    assert_int_equal(s->count, 1);
    assert_true(s->scores[0] >= 0.9);
    assert_true(fact(s, 0, "window_s") <= 900);
    beacon_free(b);
    free(s);
}

/* Twelve hosts beacon to one update server: that is the network's normal,
 * not an alert each (counted as suppressed); the one host with its own
 * beacon still alerts, with the prevalence in its baseline. */
static void test_common_target(void **state)
{
    (void)state;
    struct beacon_config cfg;
    beacon_config_default(&cfg);
    struct run *r = calloc(1, sizeof(*r));
    run_start(r, &cfg);
    for (uint64_t t = 0; t < 6 * 3600; t += 120) {
        run_to(r, S(T0 + t));
        for (uint8_t h = 1; h <= 12; h++) {
            struct bhv_conn c = {
                .start_us = S(T0 + t + h),
                .end_us = S(T0 + t + h) + 100000,
                .client = bhv_test_ip4(10, 0, 1, h),
                .server = bhv_test_ip4(192, 0, 2, 80),
                .is_client_internal = true,
                .bytes_toserver = 300,
                .bytes_toclient = 900,
            };
            beacon_conn(r->b, &c);
            if (h == 7) {
                c.server = bhv_test_ip4(203, 0, 113, 66);
                beacon_conn(r->b, &c);
            }
        }
    }
    beacon_finish(r->b, S(T0 + 6 * 3600));
    assert_int_equal(r->seen.count, 1);
    assert_string_equal(r->seen.signature, "HRADBA BEHAVIOUR beaconing 10.0.1.7 -> 203.0.113.66");
    assert_true(counter(r->b, "alerts.suppressed_common") >= 12);
    assert_true(fact(&r->seen, 1, "active_hosts") == 12);
    assert_true(fact(&r->seen, 1, "target_hosts") == 1);
    assert_true(fact(&r->seen, 1, "host_pairs") == 2);
    assert_true(fact(&r->seen, 1, "host_pairs_above_threshold") == 2);
    beacon_free(r->b);
    free(r);
}

/* Three days of one beacon: an alert a day with the default interval,
 * fewer with a longer one. */
static void test_realert(void **state)
{
    (void)state;
    for (int days = 1; days <= 2; days++) {
        struct beacon_config cfg;
        beacon_config_default(&cfg);
        cfg.realert_s = (uint64_t)days * 86400;
        struct run *r = calloc(1, sizeof(*r));
        run_start(r, &cfg);
        for (uint64_t t = 0; t < 3 * 86400; t += 600)
            conn_at(r, S(T0 + t), 512, bhv_test_ip4(203, 0, 113, 7), NULL);
        beacon_finish(r->b, S(T0 + 3 * 86400));
        assert_int_equal(r->seen.count, days == 1 ? 3 : 2);
        for (int i = 1; i < r->seen.count; i++)
            assert_true(r->seen.times[i] - r->seen.times[i - 1] >= S(cfg.realert_s));
        assert_true(counter(r->b, "alerts.suppressed_realert") > 0);
        beacon_free(r->b);
        free(r);
    }
}

static void feed_day_part(struct run *r, uint64_t from, uint64_t to)
{
    for (uint64_t t = from; t < to; t += 240) {
        double jitter = (double)((t * 2654435761u) % 21) - 10; /* deterministic +-10 s */
        conn_at(r, S(T0 + t) + (uint64_t)((jitter + 10) * 1e6), 700 + t % 7,
                bhv_test_ip4(203, 0, 113, 9), "cdn.example");
        if (t % 960 == 0) /* a second pair, still a candidate at the save */
            conn_at(r, S(T0 + t), 300, bhv_test_ip4(198, 51, 100, 20), NULL);
    }
}

/* Saved at noon and restored, the detector goes on to the alerts it would
 * have given without the restart. */
static void test_save_load(void **state)
{
    (void)state;
    struct beacon_config cfg;
    beacon_config_default(&cfg);
    cfg.realert_s = 6 * 3600;
    struct run *ref = calloc(1, sizeof(*ref)), *a = calloc(1, sizeof(*a)),
               *b = calloc(1, sizeof(*b));
    run_start(ref, &cfg);
    feed_day_part(ref, 0, 86400);
    beacon_finish(ref->b, S(T0 + 86400));

    run_start(a, &cfg);
    feed_day_part(a, 0, 43200);
    FILE *fp = tmpfile();
    assert_int_equal(beacon_save(a->b, fp), 0);
    rewind(fp);
    run_start(b, &cfg);
    b->next_tick_us = a->next_tick_us;
    char err[128] = "";
    assert_int_equal(beacon_load(b->b, fp, err, sizeof(err)), 0);
    fclose(fp);
    int before = a->seen.count;
    feed_day_part(b, 43200, 86400);
    beacon_finish(b->b, S(T0 + 86400));
    assert_true(before >= 2 && b->seen.count >= 2);
    assert_int_equal(before + b->seen.count, ref->seen.count);
    for (int i = 0; i < b->seen.count; i++) {
        assert_true(b->seen.times[i] == ref->seen.times[before + i]);
        assert_true(b->seen.scores[i] == ref->seen.scores[before + i]);
        assert_true(b->seen.sids[i] == ref->seen.sids[before + i]);
    }
    assert_string_equal(b->seen.explanation, ref->seen.explanation);
    beacon_free(ref->b);
    beacon_free(a->b);
    beacon_free(b->b);
    free(ref);
    free(a);
    free(b);
}

static void test_load_refused(void **state)
{
    (void)state;
    struct beacon_config cfg;
    beacon_config_default(&cfg);
    struct run *r = calloc(1, sizeof(*r));
    run_start(r, &cfg);
    for (uint64_t t = 0; t < 7200; t += 60)
        conn_at(r, S(T0 + t), 512, bhv_test_ip4(203, 0, 113, 7), NULL);
    char err[128];
    FILE *fp = tmpfile();
    fputs("certainly not beacon state, but long enough to fill a header.....\n", fp);
    rewind(fp);
    assert_int_equal(beacon_load(r->b, fp, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "not saved beacon state"));
    assert_int_equal(counter(r->b, "pairs.current"), 0);
    fclose(fp);

    /* Cut short: -EIO, and the detector starts empty. */
    for (uint64_t t = 0; t < 7200; t += 60)
        conn_at(r, S(T0 + t), 512, bhv_test_ip4(203, 0, 113, 7), NULL);
    fp = tmpfile();
    assert_int_equal(beacon_save(r->b, fp), 0);
    long len = ftell(fp);
    rewind(fp);
    char *buf = malloc((size_t)len);
    assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    fp = tmpfile();
    fwrite(buf, 1, (size_t)len / 2, fp);
    rewind(fp);
    assert_int_equal(beacon_load(r->b, fp, err, sizeof(err)), -EIO);
    assert_int_equal(counter(r->b, "pairs.current"), 0);
    fclose(fp);
    free(buf);
    beacon_finish(r->b, S(T0 + 7200));
    beacon_free(r->b);
    free(r);
}

static void test_config(void **state)
{
    (void)state;
    struct beacon_config cfg;
    beacon_config_default(&cfg);
    cfg.ts_weight = 0.5; /* weights sum to 1.25 */
    assert_null(beacon_new(&cfg, NULL));
    beacon_config_default(&cfg);
    cfg.window_s = 0;
    assert_null(beacon_new(&cfg, NULL));
    beacon_config_default(&cfg);
    cfg.threshold = 1.5;
    assert_null(beacon_new(&cfg, NULL));
    beacon_free(NULL);
    /* Every option names a distinct field of the config, under "beacon.". */
    for (size_t i = 0; i < beacon_option_count; i++) {
        assert_true(strncmp(beacon_options[i].key, "beacon.", 7) == 0);
        assert_true(beacon_options[i].offset < sizeof(cfg));
        assert_true(beacon_options[i].help && beacon_options[i].help[0]);
        for (size_t j = 0; j < i; j++) {
            assert_true(strcmp(beacon_options[i].key, beacon_options[j].key) != 0);
            assert_true(beacon_options[i].offset != beacon_options[j].offset);
        }
    }
    /* Filters: outside clients, internal and multicast destinations. */
    beacon_config_default(&cfg);
    struct beacon *b = beacon_new(&cfg, NULL);
    assert_non_null(b);
    struct bhv_conn c = {.client = bhv_test_ip4(10, 0, 0, 5),
                         .server = bhv_test_ip4(239, 255, 255, 250)};
    c.is_client_internal = true;
    beacon_conn(b, &c);
    c.server = bhv_test_ip4(10, 0, 0, 1);
    c.is_server_internal = true;
    beacon_conn(b, &c);
    c.is_client_internal = false;
    beacon_conn(b, &c);
    assert_int_equal(counter(b, "skipped.dest"), 2);
    assert_int_equal(counter(b, "skipped.external_client"), 1);
    assert_int_equal(counter(b, "candidates.added"), 0);
    assert_true(beacon_memory(b) > 0);
    beacon_free(b);
}

int main(int argc, char **argv)
{
    if (argc > 1) /* a test name or pattern, to run one */
        cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periodic),
        cmocka_unit_test(test_jittered),
        cmocka_unit_test(test_bursty),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_alert_contents),
        cmocka_unit_test(test_dns_pairs),
        cmocka_unit_test(test_time_backwards),
        cmocka_unit_test(test_billion_connections),
        cmocka_unit_test(test_million_destinations),
        cmocka_unit_test(test_short_capture),
        cmocka_unit_test(test_common_target),
        cmocka_unit_test(test_realert),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_load_refused),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
