/* test_rare.c — rare and first-seen on constructed hello series: an implant
 * calling one server (the test-cc capture's shape), browsers that reach
 * many servers with shuffled JA3s, bursts, shared and multi-server
 * fingerprints, first-seen during and after learning, address-only flows,
 * re-alerts, time going backwards, a million servers from one host, and
 * state saved and restored between hellos. */
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
#include "detect/psl/psl.h"
#include "detect/rare/rare.h"

#include <cmocka.h>

#define S 1000000ull
#define H (3600 * S)
#define DAY (24 * H)
#define T0 (1700000000ull * S)

#define IMPLANT_JA4 "t13d191000_9dc949149365_e7c285222651"
#define IMPLANT_JA3 "f436b9416f37d134cadd04886327d3e8"
#define CHROME_JA4 "t13d1516h2_8daaf6152771_02713d6af862"

struct seen {
    size_t count, implant, first_seen;
    char signature[256];
    double score;
    uint8_t severity;
    uint32_t sid;
    size_t parts, baselines;
    char technique[4][16];
};

static void on_alert(void *ctx, const struct bhv_alert *a)
{
    struct seen *s = ctx;
    s->count++;
    if (a->signature_id == 9001401)
        s->implant++;
    if (a->signature_id == 9001402)
        s->first_seen++;
    snprintf(s->signature, sizeof(s->signature), "%s", a->signature);
    s->score = a->score;
    s->severity = a->severity;
    s->sid = a->signature_id;
    s->parts = a->part_count;
    s->baselines = a->baseline_count;
    for (size_t i = 0; i < a->technique_count && i < 4; i++)
        snprintf(s->technique[i], sizeof(s->technique[i]), "%s", a->techniques[i]);
    assert_true(a->score >= a->threshold - 1e-9 && a->score <= 1);
    assert_string_equal(a->detector, "rare");
    assert_non_null(a->explanation);
}

static uint64_t next_flow = 1;

static void hello(struct rare *d, uint64_t t, struct bhv_ip client, struct bhv_ip server,
                  const char *sni, const char *ja3, const char *ja4)
{
    struct bhv_name n = {
        .ts_us = t,
        .flow_id = next_flow++,
        .client = client,
        .server = server,
        .server_port = 443,
        .is_client_internal = true,
        .sni = sni,
        .ja3 = ja3,
        .ja4 = ja4,
    };
    rare_name(d, &n);
}

static struct rare *make(struct seen *seen, struct rare_config *cfg)
{
    struct rare_config def;
    if (!cfg) {
        rare_config_default(&def);
        cfg = &def;
    }
    struct bhv_sink sink = {on_alert, seen};
    struct rare *d = rare_new(cfg, &sink);
    assert_non_null(d);
    return d;
}

static uint64_t counter(const struct rare *d, const char *name)
{
    return bhv_test_counter(rare_counters(d), "detect.rare", name);
}

/* Browsers: twenty hosts, one JA4, a shuffled JA3 per connection (Chrome
 * since 110), fifty servers. */
static void browse(struct rare *d, uint64_t t0, int rounds)
{
    char ja3[33];
    for (int r = 0; r < rounds; r++) {
        for (uint8_t h = 1; h <= 20; h++) {
            char sni[64];
            snprintf(sni, sizeof(sni), "site%d.example", (r * 7 + h) % 50);
            snprintf(ja3, sizeof(ja3), "%08x%024d", (unsigned)rand(), r * 100 + h);
            hello(d, t0 + (uint64_t)r * 30 * S + h * S, bhv_test_ip4(10, 0, 2, h),
                  bhv_test_ip4(93, 184, (uint8_t)((r * 7 + h) % 50), 1), sni, ja3, CHROME_JA4);
        }
    }
}

/* The test-cc capture's shape: one host, one fingerprint, 30 hellos over
 * ten minutes to testing.com at two addresses, among browsing. */
static void test_implant(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct rare *d = make(&seen, NULL);
    srand(3);
    browse(d, T0, 20);
    for (int i = 0; i < 30; i++)
        hello(d, T0 + (uint64_t)i * 20 * S, bhv_test_ip4(10, 0, 0, 37),
              bhv_test_ip4(141, 193, 213, 20 + (i == 3)), "testing.com", IMPLANT_JA3, IMPLANT_JA4);
    rare_tick(d, T0 + 10 * 60 * S);
    assert_int_equal(seen.count, 1);
    assert_string_equal(seen.signature, "HRADBA BEHAVIOUR rare TLS client fingerprint " IMPLANT_JA3
                                        " talks only to testing.com");
    /* rarity 1, repetition log2(30)/5 = 0.98, persistence 580/3600 = 0.16 */
    assert_true(seen.score > 0.68 && seen.score < 0.74);
    assert_int_equal(seen.sid, 9001401);
    assert_int_equal(seen.severity, 2);
    assert_int_equal(seen.parts, 3);
    assert_true(seen.baselines >= 5);
    assert_string_equal(seen.technique[0], "T1071.001");
    assert_string_equal(seen.technique[1], "T1573");
    rare_finish(d, T0 + 11 * 60 * S);
    assert_int_equal(seen.count, 1); /* judged again, not repeated */
    assert_int_equal(counter(d, "alerts_single_server_fingerprint"), 1);
    assert_true(counter(d, "first_seen_while_learning") >= 2); /* chrome, implant, servers */
    rare_free(d);
}

/* The top_100_fingerprints capture's shape: one host cycles through many
 * TLS stacks, each several times, all to www.google.com. Each fingerprint
 * talks to one server, but that server hears many fingerprints: not an
 * implant's exclusive C2. */
static void test_shared_server(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct rare *d = make(&seen, NULL);
    for (int f = 0; f < 20; f++) {
        char ja4[40];
        snprintf(ja4, sizeof(ja4), "t13d0000aa_%012d_000000000099", f);
        for (int i = 0; i < 6; i++)
            hello(d, T0 + (uint64_t)(f * 6 + i) * 10 * S, bhv_test_ip4(10, 0, 2, 15),
                  bhv_test_ip4(172, 217, 7, 228), "www.google.com", NULL, ja4);
    }
    rare_finish(d, T0 + H);
    assert_int_equal(seen.count, 0);
    assert_int_equal(counter(d, "single_server_fingerprint_shared_server"), 20);
    rare_free(d);

    /* By registered domain: an app's own client to mtalk.google.com alone,
     * while browsers reach www.google.com — shared once the public suffix
     * list says both are google.com, exclusive without it. */
    struct psl *psl = psl_load_default();
    assert_non_null(psl);
    for (int use_psl = 0; use_psl < 2; use_psl++) {
        struct seen s2 = {0};
        d = make(&s2, NULL);
        if (use_psl)
            rare_use_psl(d, psl);
        for (int f = 0; f < 4; f++) {
            char ja4[40];
            snprintf(ja4, sizeof(ja4), "t13d0000aa_%012d_000000000098", f);
            hello(d, T0 + (uint64_t)f * S, bhv_test_ip4(10, 0, 3, (uint8_t)f),
                  bhv_test_ip4(172, 217, 7, 228), "www.google.com", NULL, ja4);
        }
        for (int i = 0; i < 10; i++)
            hello(d, T0 + (uint64_t)i * 60 * S, bhv_test_ip4(10, 0, 3, 9),
                  bhv_test_ip4(172, 217, 7, 188), "mtalk.google.com", NULL, IMPLANT_JA4);
        rare_finish(d, T0 + H);
        assert_int_equal(s2.count, use_psl ? 0 : 1);
        rare_free(d);
    }
    psl_free(psl);
}

/* Six hellos within a second (one program's parallel connections at
 * start): repetition without persistence. Shared and multi-server
 * fingerprints never alert. */
static void test_not_implants(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct rare *d = make(&seen, NULL);
    for (int i = 0; i < 6; i++)
        hello(d, T0 + (uint64_t)i * 100000, bhv_test_ip4(10, 0, 0, 1), bhv_test_ip4(192, 0, 2, 1),
              "api.example", NULL, "t13d0000aa_000000000001_000000000001");
    for (int i = 0; i < 40; i++) /* four hosts */
        hello(d, T0 + (uint64_t)i * 60 * S, bhv_test_ip4(10, 0, 0, (uint8_t)(10 + i % 4)),
              bhv_test_ip4(192, 0, 2, 2), "agent.example", NULL,
              "t13d0000aa_000000000002_000000000002");
    for (int i = 0; i < 40; i++) /* two servers */
        hello(d, T0 + (uint64_t)i * 60 * S, bhv_test_ip4(10, 0, 0, 20), bhv_test_ip4(192, 0, 2, 3),
              i % 2 ? "a.example" : "b.example", NULL, "t13d0000aa_000000000003_000000000003");
    rare_finish(d, T0 + H);
    assert_int_equal(seen.count, 0);
    /* Two hosts of an implant over an hour still are. */
    for (int i = 0; i < 12; i++)
        hello(d, T0 + (uint64_t)i * 5 * 60 * S, bhv_test_ip4(10, 0, 0, (uint8_t)(30 + i % 2)),
              bhv_test_ip4(192, 0, 2, 4), NULL, NULL, "t13d0000aa_000000000004_000000000004");
    rare_finish(d, T0 + 2 * H);
    assert_int_equal(seen.count, 1);
    assert_non_null(
        strstr(seen.signature, "t13d0000aa_000000000004_000000000004 talks only to 192.0.2.4"));
    rare_free(d);
}

/* First-seen: quiet while learning; afterwards only a new fingerprint and
 * a new server together, at most once an hour per host. */
static void test_first_seen(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct rare_config lcfg;
    rare_config_default(&lcfg);
    lcfg.learn_min_fingerprints = 0; /* the time condition alone */
    struct rare *d = make(&seen, &lcfg);
    srand(5);
    browse(d, T0, 30);
    hello(d, T0 + H, bhv_test_ip4(10, 0, 2, 1), bhv_test_ip4(198, 51, 100, 9), "new.example", NULL,
          "t13d0000aa_00000000000a_00000000000a");
    assert_int_equal(seen.first_seen, 0); /* learning */
    assert_true(counter(d, "first_seen_while_learning") >= 2);
    uint64_t t = T0 + DAY + H;
    hello(d, t, bhv_test_ip4(10, 0, 2, 1), bhv_test_ip4(198, 51, 100, 10), "newer.example", NULL,
          CHROME_JA4);
    hello(d, t + S, bhv_test_ip4(10, 0, 2, 2), bhv_test_ip4(93, 184, 1, 1), "site1.example", NULL,
          "t13d0000aa_00000000000b_00000000000b");
    assert_int_equal(seen.first_seen, 0); /* browsing; a software update */
    assert_int_equal(counter(d, "first_seen_below_threshold"), 2);
    hello(d, t + 2 * S, bhv_test_ip4(10, 0, 2, 3), bhv_test_ip4(203, 0, 113, 50), "Stage2.Example",
          "abc", "t13d0000aa_00000000000c_00000000000c");
    assert_int_equal(seen.first_seen, 1);
    assert_string_equal(
        seen.signature,
        "HRADBA BEHAVIOUR first-seen TLS client t13d0000aa_00000000000c_00000000000c"
        " to new server stage2.example from 10.0.2.3");
    assert_int_equal(seen.severity, 3);
    assert_true(seen.score > 0.999);
    assert_string_equal(seen.technique[2], "T1102");
    hello(d, t + 3 * S, bhv_test_ip4(10, 0, 2, 3), bhv_test_ip4(203, 0, 113, 51), "stage3.example",
          NULL, "t13d0000aa_00000000000d_00000000000d");
    assert_int_equal(seen.first_seen, 1); /* the same host within the hour */
    assert_int_equal(counter(d, "alerts_suppressed_realert"), 1);
    hello(d, t + 2 * H, bhv_test_ip4(10, 0, 2, 3), bhv_test_ip4(203, 0, 113, 52), "stage4.example",
          NULL, "t13d0000aa_00000000000e_00000000000e");
    assert_int_equal(seen.first_seen, 2);
    /* JA3 alone (no JA4) is never first-seen: it may be shuffled. */
    hello(d, t + 3 * H, bhv_test_ip4(10, 0, 2, 4), bhv_test_ip4(203, 0, 113, 53), "x.example",
          "0123", NULL);
    assert_int_equal(seen.first_seen, 2);
    rare_free(d);

    /* learn_s = 0: a pcap an analyst wants judged at once — but a site that
     * has shown fewer than learn_min_fingerprints JA4s is still learning. */
    struct rare_config cfg;
    rare_config_default(&cfg);
    cfg.learn_s = 0;
    struct seen now = {0};
    d = make(&now, &cfg);
    hello(d, T0, bhv_test_ip4(10, 0, 0, 1), bhv_test_ip4(203, 0, 113, 1), "a.example", NULL,
          "t13d0000aa_00000000000f_00000000000f");
    assert_int_equal(now.first_seen, 0);
    assert_int_equal(counter(d, "first_seen_while_learning"), 1);
    rare_free(d);
    cfg.learn_min_fingerprints = 0;
    d = make(&now, &cfg);
    hello(d, T0, bhv_test_ip4(10, 0, 0, 1), bhv_test_ip4(203, 0, 113, 1), "a.example", NULL,
          "t13d0000aa_00000000000f_00000000000f");
    assert_int_equal(now.first_seen, 1);
    rare_free(d);
}

/* Flows without names are contacts with addresses; named flows were
 * counted from their hello; internal servers are not external peers. */
static void test_address_flows(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct rare_config cfg;
    rare_config_default(&cfg);
    cfg.learn_s = 0;
    cfg.learn_min_fingerprints = 0;
    struct rare *d = make(&seen, &cfg);
    struct bhv_conn c = {
        .flow_id = 77,
        .start_us = T0,
        .end_us = T0 + S,
        .client = bhv_test_ip4(10, 0, 0, 8),
        .server = bhv_test_ip4(203, 0, 113, 99),
        .server_port = 8443,
        .is_client_internal = true,
    };
    rare_conn(d, &c);
    assert_int_equal(counter(d, "new_servers"), 1);
    hello(d, T0 + 5 * S, bhv_test_ip4(10, 0, 0, 8), bhv_test_ip4(203, 0, 113, 99), NULL, NULL,
          "t13d0000aa_000000000010_000000000010");
    assert_int_equal(seen.count, 0); /* new fingerprint, known address */
    c.sni = "x";
    rare_conn(d, &c);
    c.sni = NULL;
    c.is_server_internal = true;
    rare_conn(d, &c);
    assert_int_equal(counter(d, "conns_named_skipped"), 1);
    assert_int_equal(counter(d, "skipped_internal_server"), 1);
    assert_int_equal(counter(d, "new_servers"), 1);
    rare_free(d);
}

/* An implant calling every minute for eight days: one alert a week. */
static void test_realert(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct rare *d = make(&seen, NULL);
    uint64_t t = T0;
    for (int m = 0; m < 8 * 24 * 60; m++, t += 60 * S) {
        hello(d, t, bhv_test_ip4(10, 0, 0, 9), bhv_test_ip4(203, 0, 113, 7), "c2.example", NULL,
              IMPLANT_JA4);
        rare_tick(d, t);
    }
    assert_int_equal(seen.implant, 2);
    assert_int_equal(seen.first_seen, 0);
    rare_free(d);
}

/* Hellos stepping back in time; a second hello of one flow counts once. */
static void test_time_backwards_and_duplicates(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct rare *d = make(&seen, NULL);
    hello(d, T0 + DAY, bhv_test_ip4(10, 0, 0, 9), bhv_test_ip4(203, 0, 113, 7), "c2.example", NULL,
          IMPLANT_JA4);
    hello(d, T0, bhv_test_ip4(10, 0, 0, 9), bhv_test_ip4(203, 0, 113, 7), "c2.example", NULL,
          IMPLANT_JA4);
    hello(d, 0, bhv_test_ip4(10, 0, 0, 9), bhv_test_ip4(203, 0, 113, 7), "c2.example", NULL,
          IMPLANT_JA4);
    assert_int_equal(counter(d, "time_backwards"), 2);
    hello(d, UINT64_MAX, bhv_test_ip4(10, 0, 0, 9), bhv_test_ip4(203, 0, 113, 7), "c2.example",
          NULL, IMPLANT_JA4);
    struct bhv_name n = {
        .ts_us = UINT64_MAX,
        .flow_id = 4242,
        .client = bhv_test_ip4(10, 0, 0, 9),
        .server = bhv_test_ip4(203, 0, 113, 7),
        .sni = "c2.example",
        .ja4 = IMPLANT_JA4,
    };
    rare_name(d, &n);
    rare_name(d, &n);
    assert_int_equal(counter(d, "duplicate_hellos"), 1);
    rare_tick(d, 0);
    rare_finish(d, UINT64_MAX);
    /* Five hellos over all of time: an implant by the numbers. */
    assert_int_equal(seen.implant, 1);
    rare_free(d);
}

/* One host, a million servers and a new fingerprint every hundred: every
 * table stays at its size, evictions are counted, first-seen alerts are
 * capped per host. */
static void test_million_servers(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct rare_config cfg;
    rare_config_default(&cfg);
    cfg.learn_s = 0;
    cfg.learn_min_fingerprints = 0;
    cfg.fingerprints_max = 100;
    cfg.servers_max = 1000;
    cfg.hosts_max = 10;
    cfg.host_servers_max = 1000;
    struct rare *d = make(&seen, &cfg);
    size_t mem = rare_memory(d);
    for (uint32_t i = 0; i < 1000000; i++) {
        char sni[32], ja4[40];
        snprintf(sni, sizeof(sni), "s%u.example", i);
        snprintf(ja4, sizeof(ja4), "t13d0000aa_%012u_000000000000", i / 100);
        hello(d, T0 + i * 10000ull, bhv_test_ip4(10, 0, 0, 66),
              bhv_test_ip4(100, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i), sni, NULL, ja4);
    }
    rare_finish(d, T0 + 10001 * S);
    assert_int_equal(counter(d, "servers_evicted"), 1000000 - 1000);
    assert_int_equal(counter(d, "host_servers_evicted"), 1000000 - 1000);
    assert_int_equal(counter(d, "fingerprints_evicted"), 10000 - 100);
    assert_int_equal(rare_memory(d), mem);
    /* 10000 s of capture: at most one first-seen an hour for the host. */
    assert_true(seen.first_seen >= 2 && seen.first_seen <= 3);
    assert_int_equal(seen.implant, 0);
    rare_free(d);
}

/* Three hellos before a restart, three after: the restored fingerprint
 * adds up to an implant; another detector's state is refused. */
static void test_save_load(void **state)
{
    (void)state;
    struct seen seen = {0};
    struct rare *d = make(&seen, NULL);
    for (int i = 0; i < 3; i++)
        hello(d, T0 + (uint64_t)i * 5 * 60 * S, bhv_test_ip4(10, 0, 0, 9),
              bhv_test_ip4(203, 0, 113, 7), "c2.example", IMPLANT_JA3, IMPLANT_JA4);
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(rare_save(d, fp), 0);
    rare_free(d);
    d = make(&seen, NULL);
    rewind(fp);
    char err[200] = "";
    assert_int_equal(rare_load(d, fp, err, sizeof(err)), 0);
    for (int i = 3; i < 6; i++)
        hello(d, T0 + (uint64_t)i * 5 * 60 * S, bhv_test_ip4(10, 0, 0, 9),
              bhv_test_ip4(203, 0, 113, 7), "c2.example", IMPLANT_JA3, IMPLANT_JA4);
    assert_int_equal(counter(d, "new_fingerprints"), 0);
    assert_int_equal(counter(d, "new_servers"), 0);
    rare_finish(d, T0 + H);
    assert_int_equal(seen.implant, 1);
    rare_free(d);
    rewind(fp);
    fwrite("HRLCON1", 1, 8, fp);
    rewind(fp);
    d = make(&seen, NULL);
    assert_int_equal(rare_load(d, fp, err, sizeof(err)), -EINVAL);
    rare_free(d);
    fclose(fp);
}

static void test_options(void **state)
{
    (void)state;
    for (size_t i = 0; i < rare_option_count; i++) {
        assert_int_equal(strncmp(rare_options[i].key, "rare.", 5), 0);
        assert_true(rare_options[i].offset < sizeof(struct rare_config));
    }
    struct rare_config cfg;
    rare_config_default(&cfg);
    cfg.servers_max = 0;
    assert_null(rare_new(&cfg, NULL));
    rare_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_implant),
        cmocka_unit_test(test_not_implants),
        cmocka_unit_test(test_shared_server),
        cmocka_unit_test(test_first_seen),
        cmocka_unit_test(test_address_flows),
        cmocka_unit_test(test_realert),
        cmocka_unit_test(test_time_backwards_and_duplicates),
        cmocka_unit_test(test_million_servers),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
