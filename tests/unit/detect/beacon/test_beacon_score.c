/* test_beacon_score.c — the beaconing arithmetic against RITA v5's own
 * vectors: every expected value below is from activecm/rita
 * analysis/beacons_test.go (TestGetTimestampScore, TestGetDataSizeScore,
 * TestCalculateStatisticalScore, TestCalculateBowleySkewness,
 * TestCalculateMedianAbsoluteDeviation, TestGetHistogramScore,
 * TestCreateHistogram, TestGetFrequencyCounts, TestCalculateBimodalFitScore,
 * TestCalculateCoefficientOfVariationScore, TestGetDurationScore,
 * TestGetBeaconScore), compared within RITA's own 0.001. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/beacon/beacon_score.h"

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NEAR(want, got) assert_true(fabs((double)(want) - (got)) < 0.001)

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* RITA sorts what it is given; these functions take sorted input. */
static double *sorted(const double *v, size_t n)
{
    static double buf[256];
    memcpy(buf, v, n * sizeof(*v));
    qsort(buf, n, sizeof(*buf), cmp);
    return buf;
}

static void ts_case(const double *ts, size_t n, double score, double skew, double mad)
{
    double scratch[512];
    struct beacon_stat st;
    assert_int_equal(beacon_score_timestamps(sorted(ts, n), n, scratch, &st), 0);
    NEAR(score, st.score);
    NEAR(skew, st.skew);
    NEAR(mad, st.mad);
}

static void test_timestamp_score(void **state)
{
    (void)state;
    const double simple[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    ts_case(simple, N(simple), 1, 0, 0);
    const double perfect[] = {1517338924, 1517338984, 1517339044, 1517339104, 1517339164,
                              1517339224, 1517339284, 1517339344, 1517339404, 1517339464};
    ts_case(perfect, N(perfect), 1, 0, 0);
    /* Intervals 98, 99, 99, 100, 100, 100, 101, 101, 102. */
    const double close[] = {1517338924, 1517339022, 1517339121, 1517339220, 1517339320,
                            1517339420, 1517339520, 1517339621, 1517339722, 1517339824};
    ts_case(close, N(close), 0.995, 0, 1);
    /* Intervals 98 and 300 alternating. */
    const double bimodal[] = {1517338924, 1517339022, 1517339322, 1517339420,
                              1517339720, 1517339818, 1517340118, 1517340216,
                              1517340516, 1517340614, 1517340914};
    ts_case(bimodal, N(bimodal), 0.746, 0, 101);
    /* Intervals 1, 299, 25, 4975, 90, 2, 42, 500, 1500. */
    const double random[] = {1517338924, 1517338925, 1517339224, 1517339249, 1517344224,
                             1517344314, 1517344316, 1517344358, 1517344858, 1517346358};
    ts_case(random, N(random), 0.083, 0.845, 89);

    double scratch[64];
    struct beacon_stat st;
    const double same[] = {60, 60, 60, 60, 60, 60, 60, 60, 60};
    assert_int_equal(beacon_score_timestamps(same, N(same), scratch, &st), -EINVAL);
    const double two[] = {1517338924, 1517338925};
    assert_int_equal(beacon_score_timestamps(two, N(two), scratch, &st), -EINVAL);
    assert_int_equal(beacon_score_timestamps(two, 0, scratch, &st), -EINVAL);
}

static void ds_case(const double *v, size_t n, double score, double skew, double mad)
{
    double scratch[256];
    struct beacon_stat st;
    assert_int_equal(beacon_score_sizes(sorted(v, n), n, scratch, &st), 0);
    NEAR(score, st.score);
    NEAR(skew, st.skew);
    NEAR(mad, st.mad);
}

static void test_data_size_score(void **state)
{
    (void)state;
    const double simple[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    ds_case(simple, N(simple), 0.773, 0, 2.5);
    const double same[] = {60, 60, 60, 60, 60, 60, 60, 60, 60};
    ds_case(same, N(same), 1, 0, 0);
    const double close[] = {98, 99, 99, 100, 100, 100, 101, 101, 102};
    ds_case(close, N(close), 0.995, 0, 1);
    const double random[] = {524885, 1, 5000, 98654, 50, 41, 965842, 3};
    ds_case(random, N(random), 0.008, 0.984, 2523);
    const double zeros[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    ds_case(zeros, N(zeros), 0.5, 0, 0); /* median < 1: MAD score 0 */

    double scratch[8];
    struct beacon_stat st;
    const double two[] = {100, 200};
    assert_int_equal(beacon_score_sizes(two, N(two), scratch, &st), -EINVAL);
}

static void stat_case(const double *v, size_t n, double default_mad, double score, double skew,
                      double mad)
{
    double scratch[256];
    struct beacon_stat st;
    assert_int_equal(beacon_score_stat(sorted(v, n), n, default_mad, scratch, &st), 0);
    NEAR(score, st.score);
    NEAR(skew, st.skew);
    NEAR(mad, st.mad);
}

static void test_statistical_score(void **state)
{
    (void)state;
    const double random[] = {1, 299, 25, 4975, 90, 2, 42, 500, 1500};
    stat_case(random, N(random), 1, 0.083, 0.845, 89);
    const double random2[] = {524885, 1, 5000, 98654, 50, 41, 965842, 3};
    stat_case(random2, N(random2), 0, 0.009, 0.983, 2523);
    const double zeros[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    stat_case(zeros, N(zeros), 0, 0.5, 0, 0);
    stat_case(zeros, N(zeros), 1, 1, 0, 0);
    const double negative[] = {-1, -2, -3, -4, -5, -6, -7, -8, -9, -10};
    stat_case(negative, N(negative), 0, 0.5, 0, 2.5);
    /* Bowley's skew unreliable: the median on a quartile. */
    const double q1q2[] = {7, 8, 7, 8, 7, 8, 7, 8, 7};
    stat_case(q1q2, N(q1q2), 1, 1, 0, 0);
    const double q2q3[] = {1, 1, 2, 2, 2, 2};
    stat_case(q2q3, N(q2q3), 1, 1, 0, 0);

    double scratch[4];
    struct beacon_stat st;
    assert_int_equal(beacon_score_stat(random, 0, 0, scratch, &st), -EINVAL);
}

static void test_quartiles_and_mad(void **state)
{
    (void)state;
    struct beacon_quartiles q;
    const double odd[] = {1, 2, 25, 42, 90, 299, 500, 1500, 4975};
    beacon_score_quartiles(odd, N(odd), &q);
    NEAR(13.5, q.q1);
    NEAR(90, q.q2);
    NEAR(1000, q.q3);
    const double even[] = {1, 3, 41, 50, 5000, 98654, 524885, 965842};
    beacon_score_quartiles(even, N(even), &q);
    NEAR(22, q.q1);
    NEAR(2525, q.q2);
    NEAR(311769.5, q.q3);
    /* An unsorted list of RITA's: no skew once sorted. */
    const double unsorted[] = {7.7, 6.6, 4.4, 1.1, 5.5, 3.3, 2.2};
    double scratch[16];
    struct beacon_stat st;
    assert_int_equal(beacon_score_stat(sorted(unsorted, 7), 7, 1, scratch, &st), 0);
    NEAR(0, st.skew);
    NEAR(1, st.skew_score);

    /* MAD scores (defaultScore 1). */
    const double l1[] = {1, 2, 2, 3, 3, 3, 4, 5, 5};
    assert_int_equal(beacon_score_stat(l1, N(l1), 1, scratch, &st), 0);
    NEAR(1, st.mad);
    NEAR(0.6667, st.mad_score);
    const double l2[] = {11, 12, 12, 14, 15, 16};
    assert_int_equal(beacon_score_stat(l2, N(l2), 1, scratch, &st), 0);
    NEAR(1.5, st.mad);
    NEAR(0.8846, st.mad_score);
    const double big[] = {1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500};
    assert_int_equal(beacon_score_stat(big, N(big), 1, scratch, &st), 0);
    NEAR(1250, st.mad);
    NEAR(0.6154, st.mad_score);
}

static const struct beacon_hist_params rita = {0.05, 1, 11};

static void hist_case(double min, double max, const double *ts, size_t n, size_t nbins,
                      unsigned min_bars, const double *want_bins, unsigned bars, unsigned run,
                      double score)
{
    double bins[BEACON_SCORE_MAX_BINS];
    assert_int_equal(beacon_score_bin(ts, NULL, n, min, max, bins, nbins), 0);
    for (size_t i = 0; i < nbins; i++)
        assert_int_equal((int)bins[i], (int)want_bins[i]);
    struct beacon_hist_params p = rita;
    p.bimodal_min_bars = min_bars;
    struct beacon_hist h;
    assert_int_equal(beacon_score_histogram(bins, nbins, &p, &h), 0);
    assert_int_equal(h.bars, bars);
    assert_int_equal(h.longest_run, run);
    NEAR(score, h.score);
}

static void test_histogram_score(void **state)
{
    (void)state;
    double ts[64];
    size_t n = 0;
    for (int v = 1; v <= 10; v++)
        for (int k = 0; k < v; k++)
            ts[n++] = v;
    const double stairs[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    hist_case(1, 11, ts, n, 10, 6, stairs, 10, 10, 0.478);

    for (n = 0; n < 24; n++)
        ts[n] = 1517338924.0 + 3600.0 * (double)n;
    const double ones[24] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                             1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    hist_case(1517338924, 1517338924 + 86400, ts, 24, 24, 11, ones, 24, 24, 1);

    /* The last time on the last edge belongs to the last bin. */
    const double close[] = {98, 99, 99, 100, 100, 100, 101, 101, 102};
    const double close_bins[] = {1, 0, 2, 0, 3, 0, 2, 1};
    hist_case(98, 102, close, N(close), 8, 6, close_bins, 5, 3, 0.064);

    const double random[] = {524885, 1, 5000,  98654,  50,     41,
                             965842, 3, 12001, 200400, 104001, 199999};
    const double random_bins[] = {7, 2, 1, 0, 0, 1, 0, 0, 0, 1};
    hist_case(0, 1000000, random, N(random), 10, 6, random_bins, 5, 4, 0);

    const double bimodal[] = {1,  2,  3,  4,  15, 21, 22, 23, 24, 35, 41, 42, 43,
                              44, 55, 61, 62, 63, 64, 75, 81, 82, 83, 84, 95};
    const double bimodal_bins[] = {4, 1, 4, 1, 4, 1, 4, 1, 4, 1};
    hist_case(0, 100, bimodal, N(bimodal), 10, 6, bimodal_bins, 10, 10, 1);

    const double gaps[] = {10, 20, 100, 110, 110, 220};
    const double gaps_bins[] = {2, 0, 3, 0, 1};
    hist_case(0, 250, gaps, N(gaps), 5, 6, gaps_bins, 3, 2, 0.028);

    /* One bar scores 0, also when min hours is set below 6 (RITA: 11). */
    for (n = 0; n < 10; n++)
        ts[n] = 1517338924.0 + 60.0 * (double)n;
    double single[24] = {10};
    hist_case(1517338924, 1517338924 + 86400, ts, 10, 24, 11, single, 1, 1, 0);
    hist_case(1517338924, 1517338924 + 86400, ts, 10, 24, 1, single, 1, 1, 0);

    /* RITA's TestCreateHistogram "Unsorted Slice": order does not matter. */
    const double unsorted[] = {450, 10, 30, 205, 299};
    const double unsorted_bins[] = {2, 0, 2, 0, 1};
    hist_case(0, 500, unsorted, N(unsorted), 5, 6, unsorted_bins, 3, 2, 0.106);
    /* Weights count a time that many times. */
    double bins[24];
    const double w[] = {3, 1, 1, 1, 2};
    assert_int_equal(beacon_score_bin(unsorted, w, 5, 0, 500, bins, 5), 0);
    assert_true(bins[0] == 2 && bins[1] == 0 && bins[2] == 3 && bins[3] == 0 && bins[4] == 3);
    assert_int_equal(beacon_score_bin(ts, NULL, 10, 1, 1, bins, 24), -EINVAL);
    assert_int_equal(beacon_score_bin(ts, NULL, 10, 1, 0, bins, 24), -EINVAL);
    struct beacon_hist h;
    const double empty[5] = {0};
    assert_int_equal(beacon_score_histogram(empty, 5, &rita, &h), -EINVAL);
}

/* Coarse counts spread over the bins: beacon.c's histogram when a pair's
 * individual times are gone (not a RITA function; constructed cases). */
static void test_spread(void **state)
{
    (void)state;
    double bins[4], earliest, total;
    const uint32_t even[] = {10, 10, 10, 10};
    assert_int_equal(beacon_score_spread(even, 4, 0, 25, 0, 99, 0, 99, bins, 4, &earliest, &total),
                     0);
    for (int i = 0; i < 4; i++)
        assert_true(bins[i] == 10);
    assert_true(earliest == 0);
    /* Half of one wide bucket lies before the window: half its count. */
    const uint32_t one[] = {20};
    assert_int_equal(beacon_score_spread(one, 1, 0, 100, 0, 99, 50, 99, bins, 2, &earliest, &total),
                     0);
    assert_true(bins[0] == 5 && bins[1] == 5);
    assert_true(earliest == 50 && total == 10);
    /* Nothing can lie before the first connection: a bucket's count is
     * spread over the part after it only. */
    assert_int_equal(beacon_score_spread(one, 1, 0, 100, 50, 99, 0, 99, bins, 2, &earliest, &total),
                     0);
    assert_true(bins[0] == 0 && bins[1] == 20);
    assert_true(earliest == 50);
    assert_int_equal(beacon_score_spread(one, 1, 0, 100, 0, 99, 5, 5, bins, 2, &earliest, &total),
                     -EINVAL);
}

/* The composition (RITA's analyzeBeacon) on constructed pairs. */
static void test_pair(void **state)
{
    (void)state;
    const struct beacon_score_params p = {{0.25, 0.25, 0.25, 0.25}, {0.05, 1, 11}, 24, 6, 12, 4};
    uint32_t times[48], sizes[48];
    uint16_t counts[48];
    for (int i = 0; i < 48; i++) { /* every 30 min for a day, 2 connections each */
        times[i] = 1517338924 + 1800u * (uint32_t)i;
        sizes[i] = 4096;
        counts[i] = 2;
    }
    struct beacon_score_input in = {
        times, sizes, counts, 48, .ws = 1517338924, .we = 1517338924 + 86400};
    double scratch[6 * 48];
    struct beacon_score_result r;
    assert_int_equal(beacon_score_pair(&in, &p, scratch, &r), 0);
    NEAR(1, r.score);
    NEAR(96, r.conns);
    NEAR(1800, r.ts.median);
    assert_int_equal(r.samples, 48);
    /* Ten minutes of one a minute in a window of ten minutes: regular, but
     * only 10 of 24 bins can fill, so no histogram score: 0.75. */
    in.n = 10;
    for (int i = 0; i < 10; i++)
        times[i] = 1517338924 + 60u * (uint32_t)i;
    in.we = 1517338924 + 540;
    assert_int_equal(beacon_score_pair(&in, &p, scratch, &r), 0);
    NEAR(0.75, r.score);
    NEAR(0, r.hist.score);
    NEAR(1, r.dur.score);
    /* The same from coarse counts: one per minute in 60 s buckets. */
    const uint32_t buckets[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    in.buckets = buckets;
    in.nbuckets = 10;
    in.bucket_lo = 1517338924;
    in.bucket_width = 60;
    in.data_first = 1517338924;
    in.data_last = 1517338924 + 540;
    assert_int_equal(beacon_score_pair(&in, &p, scratch, &r), 0);
    NEAR(10, r.conns);
    /* Three distinct seconds are too few; so is an empty window. */
    in.buckets = NULL;
    in.n = 3;
    assert_int_equal(beacon_score_pair(&in, &p, scratch, &r), -EINVAL);
    in.n = 10;
    in.we = in.ws;
    assert_int_equal(beacon_score_pair(&in, &p, scratch, &r), -EINVAL);
}

static void freq_case(const double *bins, size_t n, double sensitivity, unsigned bars, unsigned run)
{
    struct beacon_hist_params p = {sensitivity, 1, 11};
    struct beacon_hist h;
    assert_int_equal(beacon_score_histogram(bins, n, &p, &h), 0);
    assert_int_equal(h.bars, bars);
    assert_int_equal(h.longest_run, run);
}

static void test_frequency_counts(void **state)
{
    (void)state;
    const double gaps[] = {2, 0, 2, 0, 2, 0, 2, 0, 2, 0};
    freq_case(gaps, N(gaps), 0.05, 5, 1);
    const double bimodal_gaps[] = {2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 0};
    freq_case(bimodal_gaps, N(bimodal_gaps), 0.05, 9, 5);
    const double wrap[] = {2002, 2000, 1999, 2005, 1990, 0,    0,    0,
                           0,    0,    0,    2000, 2001, 2002, 2003, 2004};
    freq_case(wrap, N(wrap), 0.05, 10, 10);

    /* Height classes: with sensitivity 0.2 the bars 9..11 are one mode, with
     * 0.05 three; RITA's "Bimodal - High Sensitivity" histogram puts the
     * 20 bars in two classes at 0.3 (fit 20/19 -> 1) and in five at 0.05
     * (top two hold 5 + 5 of 19 -> 0.526). */
    const double flat[] = {9, 10, 11, 10, 11, 9, 10, 11, 10, 9};
    struct beacon_hist h;
    struct beacon_hist_params p = {0.2, 1, 6};
    assert_int_equal(beacon_score_histogram(flat, N(flat), &p, &h), 0);
    NEAR(1, h.bimodal_score);
    p.mode_sensitivity = 0.05;
    assert_int_equal(beacon_score_histogram(flat, N(flat), &p, &h), 0);
    NEAR(7.0 / 9.0, h.bimodal_score); /* classes {9:3, 10:4, 11:3}: (4 + 3) / 9 */
    const double two_level[] = {9, 10, 11, 10, 11, 9, 10, 11, 10, 9, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2};
    p.mode_sensitivity = 0.3;
    assert_int_equal(beacon_score_histogram(two_level, N(two_level), &p, &h), 0);
    NEAR(1, h.bimodal_score);
    p.mode_sensitivity = 0.05;
    assert_int_equal(beacon_score_histogram(two_level, N(two_level), &p, &h), 0);
    NEAR(10.0 / 19.0, h.bimodal_score);
}

static void test_cv_score(void **state)
{
    (void)state;
    struct beacon_hist_params p = {0.05, 1, 1000}; /* bimodal fit off: CV alone */
    struct beacon_hist h;
    const double uniform[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    assert_int_equal(beacon_score_histogram(uniform, N(uniform), &p, &h), 0);
    NEAR(1, h.cv_score);
    const double normal[] = {950, 970, 990, 1010, 1030, 1050, 1070};
    assert_int_equal(beacon_score_histogram(normal, N(normal), &p, &h), 0);
    NEAR(0.96, h.cv_score);
    const double tight[] = {1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009};
    assert_int_equal(beacon_score_histogram(tight, N(tight), &p, &h), 0);
    NEAR(0.9971406, h.cv_score);
    const double wide[] = {1, 5, 10, 50, 100, 500, 1000, 5000, 10000};
    assert_int_equal(beacon_score_histogram(wide, N(wide), &p, &h), 0);
    NEAR(0, h.cv_score);
    const double negative[] = {-5, -10, -7, -3, -8};
    assert_int_equal(beacon_score_histogram(negative, N(negative), &p, &h), -EINVAL);
}

static void bimodal_case(const unsigned *classes, size_t n, unsigned bars, unsigned min_bars,
                         double want)
{
    NEAR(want, beacon_score_bimodal_fit(classes, n, bars, 1, min_bars));
}

static void test_bimodal_fit(void **state)
{
    (void)state;
    bimodal_case((const unsigned[]){10}, 1, 10, 10, 1);
    bimodal_case((const unsigned[]){50, 5}, 2, 60, 10, 0.932);
    bimodal_case((const unsigned[]){10, 1}, 2, 11, 10, 1);
    bimodal_case((const unsigned[]){50, 1, 1}, 3, 56, 10, 0.927);
    bimodal_case((const unsigned[]){10, 10}, 2, 20, 10, 1);
    bimodal_case((const unsigned[]){50, 30, 1, 2}, 4, 83, 10, 0.976);
    bimodal_case((const unsigned[]){10, 10, 1}, 3, 21, 10, 1);
    bimodal_case((const unsigned[]){50, 30, 1, 2, 1}, 5, 84, 10, 0.964);
    bimodal_case((const unsigned[]){2, 3}, 2, 5, 11, 0); /* 5 bars < 11 */
    bimodal_case((const unsigned[]){1, 1}, 2, 2, 2, 0);  /* a minimum below 6 means 11 */
}

static void dur_case(double hmin_h, double hmax_h, unsigned bars, unsigned run, unsigned min_bars,
                     unsigned ideal, double coverage, double consistency, double score)
{
    const double t0 = 1517338924;
    struct beacon_duration d;
    assert_int_equal(beacon_score_duration(t0, t0 + 86400, t0 + hmin_h * 3600, t0 + hmax_h * 3600,
                                           bars, run, min_bars, ideal, &d),
                     0);
    NEAR(coverage, d.coverage);
    NEAR(consistency, d.consistency);
    NEAR(score, d.score);
}

static void test_duration_score(void **state)
{
    (void)state;
    dur_case(0, 24, 24, 24, 6, 12, 1, 1, 1);
    dur_case(0, 24, 6, 0, 6, 12, 1, 0, 1);
    dur_case(12, 24, 6, 0, 6, 12, 0.5, 0, 0.5);
    dur_case(0, 12, 6, 0, 6, 12, 0.5, 0, 0.5);
    dur_case(6, 24, 6, 0, 6, 12, 0.75, 0, 0.75);
    dur_case(12, 24, 12, 12, 6, 12, 0.5, 1, 1);
    dur_case(12, 18, 6, 6, 6, 12, 0.25, 0.5, 0.5);
    dur_case(6, 18, 12, 6, 6, 12, 0.5, 0.5, 0.5);
    dur_case(6, 18, 3, 1, 6, 12, 0, 0, 0);
    struct beacon_duration d;
    assert_int_equal(beacon_score_duration(0, 86400, 0, 86400, 12, 6, 6, 0, &d), -EINVAL);
    assert_int_equal(beacon_score_duration(0, 86400, 0, 86400, 12, 6, 0, 12, &d), -EINVAL);
    assert_int_equal(beacon_score_duration(1, 0, 0, 1, 6, 12, 6, 12, &d), -EINVAL);
    assert_int_equal(beacon_score_duration(0, 1, 1, 0, 6, 12, 6, 12, &d), -EINVAL);
}

static void total_case(const double *parts, const double *weights, int rc, double want)
{
    double got;
    assert_int_equal(beacon_score_total(parts, weights, &got), rc);
    if (rc == 0)
        NEAR(want, got);
}

static void test_total_score(void **state)
{
    (void)state;
    const double eq[4] = {0.25, 0.25, 0.25, 0.25};
    total_case((const double[]){0.8, 0.7, 0.6, 0.5}, (const double[]){0.2, 0.2, 0.3, 0.3}, 0, 0.63);
    total_case((const double[]){1, 1, 1, 1}, eq, 0, 1);
    total_case((const double[]){1, 1, 1, 1}, (const double[]){0.1, 0.2, 0.3, 0.4}, 0, 1);
    total_case((const double[]){0.1, 0.2, 0.3, 0.4}, eq, 0, 0.25);
    total_case((const double[]){0.1, 0.2, 0.3, 0.4}, (const double[]){0.1, 0.2, 0.3, 0.4}, 0, 0.30);
    total_case((const double[]){0.111, 0.222, 0.333, 0.444},
               (const double[]){0.173, 0.325, 0.299, 0.203}, 0, 0.281);
    total_case((const double[]){0.1001, 0.1002, 0.1003, 0.1004},
               (const double[]){0.249, 0.251, 0.250, 0.250}, 0, 0.10025);
    total_case((const double[]){0.25, 1, 1, 1}, (const double[]){1, 0, 0, 0}, 0, 0.25);
    total_case((const double[]){-0.1, 0.5, 0.5, 0.5}, eq, -EINVAL, 0);
    total_case((const double[]){1.1, 0.5, 0.5, 0.5}, eq, -EINVAL, 0);
    total_case((const double[]){0.5, 0.5, 0.5, 0.5}, (const double[]){-0.1, 0.25, 0.25, 0.25},
               -EINVAL, 0);
    total_case((const double[]){0.5, 0.5, 0.5, 0.5}, (const double[]){1.1, 0.25, 0.25, 0.25},
               -EINVAL, 0);
    total_case((const double[]){0.5, 0.5, 0.5, 0.5}, (const double[]){0.3, 0.3, 0.3, 0.3}, -EINVAL,
               0);
    total_case((const double[]){0.5, 0.5, 0.5, 0.5}, (const double[]){0.3, 0.3, 0.2, 0.1}, -EINVAL,
               0);
    total_case((const double[]){0.5, 0.5, 0.5, 0.5}, (const double[]){0.3, 0.3, 0.3, 0.2}, -EINVAL,
               0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timestamp_score),
        cmocka_unit_test(test_data_size_score),
        cmocka_unit_test(test_statistical_score),
        cmocka_unit_test(test_quartiles_and_mad),
        cmocka_unit_test(test_histogram_score),
        cmocka_unit_test(test_frequency_counts),
        cmocka_unit_test(test_cv_score),
        cmocka_unit_test(test_bimodal_fit),
        cmocka_unit_test(test_duration_score),
        cmocka_unit_test(test_total_score),
        cmocka_unit_test(test_spread),
        cmocka_unit_test(test_pair),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
