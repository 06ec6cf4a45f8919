/* test_exfil.c — the exfiltration detector on constructed hourly series:
 * periodic, jittered, bursty and random uploads stay under the threshold,
 * a 50-fold upload to a new destination and a large upload to a storage
 * service alert with the expected parts; plus the minimum volume, the
 * re-alert interval, which side of a flow counts, time going backwards, a
 * million destinations, saturating counts, and state across a restart.
 * Also the two pieces it is built of: the storage-service list and the
 * hourly median/MAD. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../bhv_test.h"
#include "detect/exfil/cloud_storage.h"
#include "detect/exfil/exfil.h"
#include "detect/exfil/upload_baseline.h"

#include <cmocka.h>

#define HOUR 3600000000ull
#define T0 (1700000000ull * 1000000ull - (1700000000ull * 1000000ull) % HOUR)

/* What the tests look at in an alert (its strings are borrowed for the call). */
struct seen {
    size_t count;
    double score, max_score;
    double parts[4];
    char signature[200], target[100], technique[2][16], source[64];
    uint32_t sid;
    uint8_t severity;
    double hours_of_history, bytes_up;
    double scores[64];
};

static void collect(void *ctx, const struct bhv_alert *a)
{
    struct seen *s = ctx;
    if (s->count < 64)
        s->scores[s->count] = a->score;
    s->count++;
    s->score = a->score;
    if (a->score > s->max_score)
        s->max_score = a->score;
    assert_int_equal(a->part_count, 4);
    for (size_t i = 0; i < 4; i++)
        s->parts[i] = a->parts[i].value;
    snprintf(s->signature, sizeof(s->signature), "%s", a->signature);
    snprintf(s->target, sizeof(s->target), "%s", a->target);
    for (size_t i = 0; i < 2; i++)
        snprintf(s->technique[i], sizeof(s->technique[i]), "%s",
                 i < a->technique_count ? a->techniques[i] : "");
    s->sid = a->signature_id;
    s->severity = a->severity;
    assert_non_null(a->explanation);
    assert_true(strncmp(a->signature, "HRADBA BEHAVIOUR ", 17) == 0);
    for (size_t i = 0; i < a->baseline_count; i++) {
        if (strcmp(a->baseline[i].name, "hours_of_history") == 0)
            s->hours_of_history = a->baseline[i].num;
        if (strcmp(a->baseline[i].name, "source") == 0)
            snprintf(s->source, sizeof(s->source), "%s", a->baseline[i].text);
    }
    for (size_t i = 0; i < a->observed_count; i++)
        if (strcmp(a->observed[i].name, "bytes_up") == 0)
            s->bytes_up = a->observed[i].num;
}

static struct exfil *detector(struct exfil_config *cfg, struct seen *s)
{
    memset(s, 0, sizeof(*s));
    struct bhv_sink sink = {collect, s};
    struct exfil *d = exfil_new(cfg, &sink);
    assert_non_null(d);
    return d;
}

static struct exfil *detector_default(struct seen *s)
{
    struct exfil_config cfg;
    exfil_config_default(&cfg);
    return detector(&cfg, s);
}

/* An internal host (10.0.0.host) uploads to an outside server. */
static void upload(struct exfil *d, uint8_t host, struct bhv_ip server, const char *sni,
                   uint64_t ts, uint64_t up, uint64_t down)
{
    struct bhv_conn c = {
        .flow_id = ts,
        .start_us = ts > 1000000 ? ts - 1000000 : 0,
        .end_us = ts,
        .client = bhv_test_ip4(10, 0, 0, host),
        .server = server,
        .client_port = 50000,
        .server_port = 443,
        .proto = 6,
        .is_client_internal = true,
        .bytes_toserver = up,
        .bytes_toclient = down,
        .pkts_toserver = up / 1400 + 1,
        .pkts_toclient = down / 1400 + 1,
        .sni = sni,
    };
    exfil_conn(d, &c);
}

static uint64_t counter(const struct exfil *d, const char *name)
{
    return bhv_test_counter(exfil_counters(d), "detect.exfil", name);
}

/* xorshift64*, so the random series are the same on every run. */
static uint64_t rng_state = 88172645463325252ull;
static double uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}
static double normal(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2.0 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

static void test_cloud_list(void **state)
{
    (void)state;
    assert_non_null(cloud_storage_match("dropbox.com"));
    assert_non_null(cloud_storage_match("content.DROPBOXAPI.com"));
    assert_non_null(cloud_storage_match("www.dropbox.com."));
    assert_null(cloud_storage_match("notdropbox.com"));
    assert_null(cloud_storage_match("dropbox.com.evil.example"));
    assert_non_null(cloud_storage_match("mybucket.s3.amazonaws.com"));
    assert_non_null(cloud_storage_match("mybucket.s3.eu-west-1.amazonaws.com"));
    assert_non_null(cloud_storage_match("b.s3-accelerate.amazonaws.com"));
    assert_null(cloud_storage_match("ec2-1-2-3-4.compute-1.amazonaws.com"));
    assert_null(cloud_storage_match("s3x.amazonaws.com"));
    assert_null(cloud_storage_match("www.googleapis.com"));
    assert_int_equal(cloud_storage_match("pastebin.com")->kind, CLOUD_STORAGE_TEXT);
    assert_int_equal(cloud_storage_match("acct.blob.core.windows.net")->kind, CLOUD_STORAGE_FILES);
    assert_null(cloud_storage_match(""));
    assert_null(cloud_storage_match(NULL));
}

static void test_baseline(void **state)
{
    (void)state;
    struct upload_baseline b;
    memset(&b, 0, sizeof(b));
    /* ln(1 + bytes) = 1..9: median 5, deviations 0,1,1,..,4,4 -> MAD 2. */
    for (int k = 1; k <= 9; k++)
        upload_baseline_add(&b, (uint64_t)llround(expm1(k)));
    assert_int_equal(b.len, 9);
    assert_true(fabs(b.median_ln - 5.0) < 0.01);
    assert_true(fabs(b.mad_ln - 2.0) < 0.01);
    /* The ring keeps the last week: 168 hours of 1e9 push the old out. */
    for (int i = 0; i < UPLOAD_BASELINE_HOURS; i++)
        upload_baseline_add(&b, 1000000000);
    assert_int_equal(b.len, UPLOAD_BASELINE_HOURS);
    assert_int_equal(b.hours_total, 9 + UPLOAD_BASELINE_HOURS);
    assert_true(fabs(b.median_ln - log1p(1e9)) < 0.01);
    assert_true(b.mad_ln < 0.01);
    upload_baseline_add(&b, UINT64_MAX); /* the largest volume still fits the quantum */
    assert_true(b.median_ln > 20);
}

/* One host's hourly series: volume(hour) bytes up to its usual service,
 * with the given upload/download ratio. Every hour is scored (threshold
 * near 0, no re-alert interval), so each hour's score is seen. */
static double series_max_score(double (*volume)(int hour), double ratio, int hours)
{
    struct exfil_config cfg;
    exfil_config_default(&cfg);
    cfg.threshold = 1e-9;
    cfg.realert_s = 0;
    struct seen s;
    struct exfil *d = detector(&cfg, &s);
    struct bhv_ip server = bhv_test_ip4(198, 51, 100, 7);
    double max_after_warmup = 0;
    for (int h = 0; h < hours; h++) {
        uint64_t up = (uint64_t)volume(h);
        upload(d, 5, server, "sync.example.com", T0 + h * HOUR + 600000000, up,
               (uint64_t)(up / ratio));
        if (h >= 30 && s.count > 0 && s.score > max_after_warmup)
            max_after_warmup = s.score;
    }
    assert_true(counter(d, "scored") <= (uint64_t)hours); /* not under min_bytes */
    exfil_free(d);
    return max_after_warmup;
}

static double periodic(int h)
{
    (void)h;
    return 20e6;
}
static double jittered(int h)
{
    (void)h;
    return 20e6 * (0.8 + 0.4 * uniform());
}
static double bursty(int h)
{
    return h % 10 == 9 ? 60e6 : 15e6;
}
static double random_volume(int h)
{
    (void)h;
    return 20e6 * exp(normal());
}

static void test_series_ranges(void **state)
{
    (void)state;
    /* A sync client uploads ten times what it downloads: the ratio part is
     * full, so these scores are 0.3 plus the volume part. */
    double p = series_max_score(periodic, 10, 300);
    assert_true(p >= 0.29 && p <= 0.31);
    double j = series_max_score(jittered, 10, 300);
    assert_true(j >= 0.29 && j < 0.4);
    /* A fourfold burst every tenth hour is 2.8 spreads up: close, but under. */
    double b = series_max_score(bursty, 10, 300);
    assert_true(b > 0.45 && b < 0.6);
    /* Log-normal volume (sigma 1) with a 3:1 ratio. */
    double r = series_max_score(random_volume, 3, 300);
    assert_true(r > 0.2 && r < 0.6);
}

/* A host that uploads a couple of MB an hour to its usual places, then
 * 50 times that to a server it never talked to. */
static void test_spike_to_new_destination(void **state)
{
    (void)state;
    struct seen s;
    struct exfil *d = detector_default(&s);
    struct bhv_ip usual = bhv_test_ip4(198, 51, 100, 1);
    for (int h = 0; h < 48; h++)
        upload(d, 5, usual, "mail.example.com", T0 + h * HOUR + 60000000,
               (uint64_t)(2e6 * (0.8 + 0.4 * uniform())), 4000000);
    assert_int_equal(s.count, 0);
    assert_int_equal(counter(d, "scored"), 0); /* nothing reached min_bytes */

    struct bhv_ip evil = bhv_test_ip4(203, 0, 113, 66);
    for (int i = 0; i < 4; i++) /* 120 MB in four flows */
        upload(d, 5, evil, NULL, T0 + 48 * HOUR + (uint64_t)i * 60000000, 30000000, 300000);
    assert_int_equal(s.count, 1);
    assert_true(s.score >= 0.84 && s.score <= 0.86); /* all but the storage-service part */
    assert_true(s.parts[0] == 1.0);                  /* volume */
    assert_true(s.parts[1] == 1.0);                  /* ratio 100:1 */
    assert_true(s.parts[2] == 0.0);                  /* not a storage service */
    assert_true(s.parts[3] == 1.0);                  /* new destination */
    assert_int_equal(s.sid, 9001301);
    assert_true(s.severity <= 2);
    assert_string_equal(s.technique[0], "T1041");
    assert_string_equal(s.target, "203.0.113.66");
    assert_true(s.hours_of_history == 48);
    assert_string_equal(s.source, "host's own active hours");
    /* It alerted on the first flow, the others fell in the re-alert interval. */
    assert_true(s.bytes_up == 30000000);
    assert_non_null(
        strstr(s.signature, "possible exfiltration 10.0.0.5 -> 203.0.113.66: 30 MB up"));
    assert_int_equal(counter(d, "suppressed_realert"), 3);
    exfil_free(d);
}

/* A host the sensor has just met: judged against the prior, and a storage
 * service makes the difference between a large upload and an alert. */
static void test_cloud_without_history(void **state)
{
    (void)state;
    struct seen s;
    struct exfil *d = detector_default(&s);
    upload(d, 7, bhv_test_ip4(203, 0, 113, 9), NULL, T0 + 10, 250000000, 3000000);
    assert_int_equal(s.count, 0);
    upload(d, 8, bhv_test_ip4(162, 125, 1, 1), "content.dropboxapi.com", T0 + 10, 250000000,
           3000000);
    assert_int_equal(s.count, 1);
    assert_true(s.score >= 0.6 && s.score < 0.7);
    assert_true(s.parts[2] == 1.0 && s.parts[3] == 0.0); /* no history: "new" means nothing */
    assert_int_equal(s.sid, 9001302);
    assert_string_equal(s.technique[0], "T1567");
    assert_string_equal(s.technique[1], "T1567.002");
    assert_string_equal(s.source, "configured prior (too little history)");
    assert_int_equal(counter(d, "insufficient_history"), 2);
    /* A paste site is T1567.003. */
    upload(d, 9, bhv_test_ip4(104, 20, 1, 1), "pastebin.com", T0 + 20, 250000000, 3000000);
    assert_int_equal(s.count, 2);
    assert_string_equal(s.technique[1], "T1567.003");
    exfil_free(d);
}

static void test_min_bytes_and_downloads(void **state)
{
    (void)state;
    struct seen s;
    struct exfil *d = detector_default(&s);
    struct bhv_ip usual = bhv_test_ip4(198, 51, 100, 1);
    for (int h = 0; h < 48; h++)
        upload(d, 5, usual, "a.example.com", T0 + h * HOUR, 100000, 100000);
    /* 90 times the usual, but under 10 MB: never scored. */
    upload(d, 5, bhv_test_ip4(203, 0, 113, 1), NULL, T0 + 48 * HOUR, 9000000, 1000);
    assert_int_equal(counter(d, "scored"), 0);
    /* A video call: large, but as much down as up, to a new place: volume
     * and "new" alone stay under the threshold. */
    upload(d, 5, bhv_test_ip4(203, 0, 113, 2), "call.example.net", T0 + 48 * HOUR, 300000000,
           280000000);
    assert_int_equal(counter(d, "scored"), 1);
    assert_int_equal(s.count, 0);
    exfil_free(d);
}

static void test_realert_interval(void **state)
{
    (void)state;
    struct seen s;
    struct exfil *d = detector_default(&s);
    struct bhv_ip usual = bhv_test_ip4(198, 51, 100, 1), evil = bhv_test_ip4(203, 0, 113, 66);
    for (int h = 0; h < 48; h++)
        upload(d, 5, usual, NULL, T0 + h * HOUR, 1000000, 1000000);
    /* The same pair exfiltrates every hour for two days: an alert a day. */
    for (int h = 48; h < 96; h++) {
        upload(d, 5, usual, NULL, T0 + h * HOUR, 1000000, 1000000);
        upload(d, 5, evil, NULL, T0 + h * HOUR + 60, 200000000, 1000000);
    }
    assert_int_equal(s.count, 2);
    assert_true(counter(d, "suppressed_realert") > 0);
    exfil_free(d);
}

static void test_which_side_counts(void **state)
{
    (void)state;
    struct seen s;
    struct bhv_conn c = {
        .end_us = T0,
        .client = bhv_test_ip4(203, 0, 113, 5),
        .server = bhv_test_ip4(10, 0, 0, 80),
        .is_server_internal = true,
        .bytes_toserver = 1000,
        .bytes_toclient = 5000000000ull, /* someone downloads 5 GB from our server */
    };
    struct exfil *d = detector_default(&s);
    exfil_conn(d, &c);
    c.is_client_internal = true; /* internal to internal: lateral, not ours */
    exfil_conn(d, &c);
    assert_int_equal(counter(d, "not_outbound"), 2);
    assert_int_equal(counter(d, "scored"), 0);
    exfil_free(d);

    struct exfil_config cfg;
    exfil_config_default(&cfg);
    cfg.count_served = true;
    d = detector(&cfg, &s);
    c.is_client_internal = false;
    exfil_conn(d, &c);
    assert_int_equal(counter(d, "served"), 1);
    assert_int_equal(counter(d, "scored"), 1);
    assert_int_equal(s.count, 1); /* 5 GB with a 5e6:1 ratio, even against the prior */
    assert_string_equal(s.target, "203.0.113.5");
    exfil_free(d);
}

static void test_time_backwards(void **state)
{
    (void)state;
    struct seen s;
    struct exfil *d = detector_default(&s);
    struct bhv_ip usual = bhv_test_ip4(198, 51, 100, 1);
    /* A merged capture: flows 30 s apart, in reverse, across an hour
     * boundary. The late ones join the open window: 2 GB, one alert. */
    uint64_t t = T0 + 10 * HOUR + 20 * 60000000ull;
    for (uint64_t i = 0; i < 100; i++)
        upload(d, 5, usual, NULL, t - i * 30000000ull, 20000000, 20000);
    assert_int_equal(counter(d, "time_backwards"), 59);
    assert_int_equal(s.count, 1);
    assert_true(s.bytes_up >= 1.4e9);
    /* Ten days back is another capture: the window starts afresh there,
     * and the alert is not the same one as ten days later. */
    for (uint64_t i = 0; i < 100; i++)
        upload(d, 5, usual, NULL, t - 240 * HOUR + i * 1000000ull, 20000000, 20000);
    assert_int_equal(s.count, 2);
    assert_true(s.bytes_up >= 1.4e9 && s.bytes_up <= 2e9);
    upload(d, 5, usual, NULL, 0, 1, 1); /* time zero */
    exfil_tick(d, T0 + 200 * HOUR);
    exfil_tick(d, T0); /* the tick going back */
    exfil_tick(d, 0);
    assert_int_equal(counter(d, "time_backwards"), 59 + 1 + 1 + 2);
    exfil_free(d);
}

static void test_million_destinations(void **state)
{
    (void)state;
    struct exfil_config cfg;
    exfil_config_default(&cfg);
    cfg.max_pairs = 1000;
    cfg.max_hosts = 100;
    struct seen s;
    struct exfil *d = detector(&cfg, &s);
    size_t mem = exfil_memory(d);
    for (uint32_t i = 0; i < 1000000; i++)
        upload(d, 5, bhv_test_ip4(100, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i), NULL,
               T0 + i * 1000ull, 1000, 100);
    assert_int_equal(exfil_memory(d), mem);
    assert_int_equal(counter(d, "pair_evictions"), 1000000 - 1000);
    /* A thousand hosts through a table of 100. */
    for (uint8_t i = 0; i < 250; i++)
        for (uint8_t j = 0; j < 4; j++)
            upload(d, i, bhv_test_ip4(198, 51, 100, j), NULL, T0 + HOUR, 100, 100);
    assert_true(counter(d, "host_evictions") >= 150);
    assert_int_equal(exfil_memory(d), mem);
    exfil_free(d);
}

/* One pair with an absurd number of bytes and flows: counts saturate. */
static void test_saturation(void **state)
{
    (void)state;
    struct exfil_config cfg;
    exfil_config_default(&cfg);
    cfg.threshold = 1e-9; /* every scored flow alerts, to see the counts */
    cfg.realert_s = 0;
    struct seen s;
    struct exfil *d = detector(&cfg, &s);
    struct bhv_ip server = bhv_test_ip4(203, 0, 113, 1);
    for (int i = 0; i < 4; i++)
        upload(d, 5, server, NULL, T0 + 1, UINT64_MAX / 2, UINT64_MAX / 3);
    for (int i = 0; i < 200000; i++)
        upload(d, 5, server, NULL, T0 + 2, 1, 0);
    assert_int_equal(s.count, 200004);
    assert_true(s.bytes_up >= 1.8e19 && s.score <= 1.0);
    assert_int_equal(counter(d, "uploads"), 200004);
    exfil_free(d);
}

static void feed_history(struct exfil *d, int from, int to)
{
    struct bhv_ip usual = bhv_test_ip4(198, 51, 100, 1), evil = bhv_test_ip4(203, 0, 113, 66);
    for (int h = from; h < to; h++) {
        for (uint8_t host = 1; host <= 5; host++)
            upload(d, host, usual, "sync.example.com", T0 + h * HOUR + host,
                   (uint64_t)(host * 3e6 + (h % 7) * 1e5), 500000);
        if (h % 30 == 29)
            upload(d, (uint8_t)(1 + h % 5), evil, "x.mega.nz", T0 + h * HOUR + 9,
                   (uint64_t)(40e6 + h * 1e6), 100000);
    }
}

static void test_save_load(void **state)
{
    (void)state;
    struct seen sa, sb;
    struct exfil *a = detector_default(&sa);
    feed_history(a, 0, 60);
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(exfil_save(a, fp), 0);
    rewind(fp);
    struct exfil *b = detector_default(&sb);
    char err[160];
    assert_int_equal(exfil_load(b, fp, err, sizeof(err)), 0);
    size_t before = sa.count;
    feed_history(a, 60, 200);
    feed_history(b, 60, 200);
    assert_true(sa.count > before);
    assert_int_equal(sa.count - before, sb.count);
    for (size_t i = 0; i < sb.count && before + i < 64; i++)
        assert_true(sa.scores[before + i] == sb.scores[i]);
    fclose(fp);

    /* Someone else's state, or a damaged file, is refused. */
    fp = tmpfile();
    fputs("not exfil state at all, but long enough to read a header", fp);
    rewind(fp);
    struct exfil *c = detector_default(&sb);
    assert_int_equal(exfil_load(c, fp, err, sizeof(err)), -EINVAL);
    fclose(fp);
    fp = tmpfile();
    assert_int_equal(exfil_save(a, fp), 0);
    long size = ftell(fp);
    assert_int_equal(fseek(fp, size / 2, SEEK_SET), 0);
    int byte = fgetc(fp);
    assert_int_equal(fseek(fp, size / 2, SEEK_SET), 0);
    fputc(byte ^ 0x55, fp);
    rewind(fp);
    assert_int_equal(exfil_load(c, fp, err, sizeof(err)), -EIO);
    fclose(fp);
    exfil_free(c);
    exfil_free(a);
    exfil_free(b);
}

static void test_config(void **state)
{
    (void)state;
    struct exfil_config cfg;
    exfil_config_default(&cfg);
    for (size_t i = 0; i < exfil_option_count; i++) {
        assert_true(strncmp(exfil_options[i].key, "exfil.", 6) == 0);
        assert_true(exfil_options[i].offset < sizeof(cfg));
        assert_non_null(exfil_options[i].help);
    }
    struct bhv_sink sink = {NULL, NULL};
    struct exfil_config bad = cfg;
    bad.threshold = 0;
    assert_null(exfil_new(&bad, &sink));
    bad = cfg;
    bad.max_pairs = 0;
    assert_null(exfil_new(&bad, &sink));
    bad = cfg;
    bad.ratio_full = 1;
    assert_null(exfil_new(&bad, &sink));
    exfil_free(NULL);
    struct exfil *d = exfil_new(&cfg, NULL); /* no sink: alerts go nowhere */
    assert_non_null(d);
    exfil_finish(d, T0);
    exfil_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cloud_list),
        cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_series_ranges),
        cmocka_unit_test(test_spike_to_new_destination),
        cmocka_unit_test(test_cloud_without_history),
        cmocka_unit_test(test_min_bytes_and_downloads),
        cmocka_unit_test(test_realert_interval),
        cmocka_unit_test(test_which_side_counts),
        cmocka_unit_test(test_time_backwards),
        cmocka_unit_test(test_million_destinations),
        cmocka_unit_test(test_saturation),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
