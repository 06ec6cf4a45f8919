/* beacon_score.h — the arithmetic of a beaconing score, as RITA v5 computes it.
 *
 * The formula is RITA's (activecm/rita, analysis/beacons.go; its test vectors
 * in analysis/beacons_test.go): Bowley skew and median absolute deviation of
 * inter-arrival times and of sizes, a histogram score over the dataset span
 * and a duration score, weighted into one number. Only arithmetic here:
 * sorted arrays in, scores out, no allocation beyond scratch the caller
 * gives. Keeping state and choosing the data is beacon.c's business.
 */
#ifndef HRADBA_DETECT_BEACON_SCORE_H
#define HRADBA_DETECT_BEACON_SCORE_H

#include <stddef.h>
#include <stdint.h>

/* Most histogram bins the functions below accept (RITA uses 24). */
enum { BEACON_SCORE_MAX_BINS = 64 };

/* Round to 3 decimals, half away from zero, as RITA's Round(x*1000)/1000. */
double beacon_score_round3(double x);

/* The median of sorted[0..n-1]; n >= 1. */
double beacon_score_median(const double *sorted, size_t n);

/* Quartiles as montanaflynn/stats Quartile (which RITA uses): Q2 is the
 * median; for odd n the halves leave the median out; Q1 and Q3 are the
 * medians of the halves. sorted ascending, n >= 2. */
struct beacon_quartiles {
    double q1, q2, q3;
};
void beacon_score_quartiles(const double *sorted, size_t n, struct beacon_quartiles *q);

/* One distribution's part of the score: (skew score + MAD score) / 2,
 * rounded to 3 decimals. skew is Bowley's (Q1 + Q3 - 2 Q2) / (Q3 - Q1),
 * taken as 0 when Q3 - Q1 < 10 or Q2 equals Q1 or Q3; skew_score is
 * 1 - |skew|. mad is the median of |x - median|; mad_score is
 * (median - mad) / median, or default_mad_score when the median < 1, and 0
 * when negative. */
struct beacon_stat {
    double score;
    double skew, skew_score;
    double mad, mad_score;
    double median;
};

/* sorted ascending, n >= 3; scratch holds n doubles. 0, or -EINVAL (too
 * few values). */
int beacon_score_stat(const double *sorted, size_t n, double default_mad_score, double *scratch,
                      struct beacon_stat *out);

/* Timestamp score from connection times (seconds) sorted ascending: the
 * stat of the non-zero intervals between consecutive times, with a MAD
 * score of 1 when their median < 1. Needs n >= 4 and >= 3 non-zero
 * intervals, else -EINVAL. scratch holds 2n doubles. */
int beacon_score_timestamps(const double *sorted_ts, size_t n, double *scratch,
                            struct beacon_stat *out);

/* Data size score from sizes sorted ascending: the stat of the sizes, with
 * a MAD score of 0 when their median < 1. n >= 3, else -EINVAL. scratch
 * holds n doubles. */
int beacon_score_sizes(const double *sorted, size_t n, double *scratch, struct beacon_stat *out);

/* Counts times (any order, each weighing weights[k], or 1 when weights is
 * NULL) into nbins equal bins over [min_ts, max_ts] as RITA's
 * createHistogram does: a time on an inner edge belongs to the bin above,
 * one at or past max_ts to the last bin, one before min_ts to the first.
 * bins[0..nbins-1] are overwritten. max_ts > min_ts, 1 <= nbins <=
 * BEACON_SCORE_MAX_BINS, else -EINVAL. */
int beacon_score_bin(const double *ts, const double *weights, size_t n, double min_ts,
                     double max_ts, double *bins, size_t nbins);

/* The same bins from coarse counts, when the times themselves are gone:
 * counts[k] connections fell in [lo + k * width, lo + (k + 1) * width).
 * Each such span is clipped to [data_lo, data_hi] (the first and last
 * connection, whole seconds, so data_hi + 1 ends it) and its count spread
 * evenly over what is left; the part inside the window (the last bin
 * reaching to max_ts + 1) goes to the bins it overlaps, which are then
 * rounded to whole connections. *earliest is the earliest time in the
 * window that got a share (max_ts when none), *in_window the sum of the
 * shares before rounding. 0, or -EINVAL as above. */
int beacon_score_spread(const uint32_t *counts, size_t ncounts, double lo, double width,
                        double data_lo, double data_hi, double min_ts, double max_ts, double *bins,
                        size_t nbins, double *earliest, double *in_window);

struct beacon_hist_params {
    double mode_sensitivity;          /* RITA 0.05: bar heights within this share of the
                                         tallest fall in one mode */
    unsigned bimodal_outlier_removal; /* RITA 1: bars not counted against the fit */
    unsigned bimodal_min_bars;        /* RITA 11: fewer bars score 0 (below 6: 11) */
};

/* Histogram score: max of the coefficient-of-variation score (1 - sd/mean
 * of the bins, 0 when CV > 1) and the bimodal fit (share of the non-empty
 * bars whose heights fall in the two commonest modes). bars counts the
 * non-empty bins, longest_run the longest run of them, wrapping around. */
struct beacon_hist {
    double score, cv_score, bimodal_score;
    unsigned bars, longest_run;
};

/* The bimodal fit from the number of bars in each height class: the two
 * largest over max(bars - outlier_removal, 1), rounded and capped at 1; 0
 * when bars < min_bars (a min_bars below 6 means 11, as RITA). */
double beacon_score_bimodal_fit(const unsigned *class_counts, size_t nclasses, unsigned bars,
                                unsigned outlier_removal, unsigned min_bars);

/* bins hold counts (>= 0, not all 0); 1 <= nbins <= BEACON_SCORE_MAX_BINS.
 * 0, or -EINVAL. */
int beacon_score_histogram(const double *bins, size_t nbins, const struct beacon_hist_params *p,
                           struct beacon_hist *out);

/* Duration score: when bars >= min_bars, the max of coverage
 * ((last - first) / (ds_max - ds_min)) and consistency (longest_run /
 * ideal_run), each rounded up to 3 decimals and capped at 1; else 0. 0, or
 * -EINVAL when ds_max <= ds_min, last <= first, or min_bars or ideal_run
 * is 0. */
struct beacon_duration {
    double score, coverage, consistency;
};
int beacon_score_duration(double ds_min, double ds_max, double first, double last, unsigned bars,
                          unsigned longest_run, unsigned min_bars, unsigned ideal_run,
                          struct beacon_duration *out);

/* The parts, in this order, and their weights. */
enum { BEACON_PART_TS, BEACON_PART_DS, BEACON_PART_HIST, BEACON_PART_DUR, BEACON_PART_COUNT };

/* Weighted sum rounded to 3 decimals. Every part and weight in [0, 1] and
 * the weights summing to 1 (within 1e-9), else -EINVAL. */
int beacon_score_total(const double parts[BEACON_PART_COUNT],
                       const double weights[BEACON_PART_COUNT], double *out);

/* A whole pair, as RITA's analyzeBeacon: the parts above from one pair's
 * connections in the window [ws, we] (seconds), weighted into its score. */
struct beacon_score_params {
    double weights[BEACON_PART_COUNT];
    struct beacon_hist_params hist;
    unsigned nbins;         /* RITA 24 */
    unsigned dur_min_bars;  /* RITA 6 */
    unsigned dur_ideal_run; /* RITA 12 */
    unsigned min_unique;    /* distinct connection seconds needed (RITA 4; never below 4) */
};

/* The pair's connections: samples[k] is a second with counts[k]
 * connections, the first of them sizes[k] bytes (any order, those outside
 * the window ignored). When the samples are not all of the window's
 * connections, buckets (NULL otherwise) hold counts over time for the
 * histogram (beacon_score_spread, with data_first/data_last the pair's first
 * and last connection ever). */
struct beacon_score_input {
    const uint32_t *times, *sizes;
    const uint16_t *counts;
    size_t n;
    const uint32_t *buckets;
    size_t nbuckets;
    double bucket_lo, bucket_width;
    double data_first, data_last;
    double ws, we;
};

struct beacon_score_result {
    double score;
    struct beacon_stat ts, ds;
    struct beacon_hist hist;
    struct beacon_duration dur;
    double first, last; /* the first and last connection in the window */
    double conns;       /* connections in the window (estimated from buckets) */
    double bytes_mean;  /* over the samples in the window */
    size_t samples;     /* samples in the window */
};

/* scratch holds 6 * in->n doubles. 0; -EINVAL when the pair has too few
 * distinct seconds in the window or a part cannot be computed (RITA skips
 * such a pair). */
int beacon_score_pair(const struct beacon_score_input *in, const struct beacon_score_params *p,
                      double *scratch, struct beacon_score_result *out);

#endif
