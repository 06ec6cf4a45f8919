/* beacon_score.c — RITA v5's beaconing arithmetic (beacon_score.h).
 *
 * Written from the formula in activecm/rita analysis/beacons.go and checked
 * against the vectors of analysis/beacons_test.go (test_beacon_score.c).
 * Where RITA rounds up (duration) or half away from zero (everything
 * else), so does this, so that scores agree to the last decimal.
 */
#include "detect/beacon/beacon_score.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double beacon_score_round3(double x)
{
    return round(x * 1000.0) / 1000.0;
}

/* RITA rounds the duration parts up, not to nearest. */
static double ceil3(double x)
{
    return ceil(x * 1000.0) / 1000.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double beacon_score_median(const double *sorted, size_t n)
{
    if (n == 0)
        return 0.0;
    if (n % 2)
        return sorted[n / 2];
    return (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
}

void beacon_score_quartiles(const double *sorted, size_t n, struct beacon_quartiles *q)
{
    /* Even n: the halves are [0, n/2) and [n/2, n); odd n: the median
     * element belongs to neither. */
    size_t lower_len = n / 2;
    size_t upper_at = n % 2 ? n / 2 + 1 : n / 2;
    q->q1 = beacon_score_median(sorted, lower_len);
    q->q2 = beacon_score_median(sorted, n);
    q->q3 = beacon_score_median(sorted + upper_at, n - upper_at);
}

int beacon_score_stat(const double *sorted, size_t n, double default_mad_score, double *scratch,
                      struct beacon_stat *out)
{
    memset(out, 0, sizeof(*out));
    if (!sorted || !scratch || n < 3)
        return -EINVAL;

    /* Bowley skew; RITA treats a narrow box (IQR < 10, in the data's unit)
     * or a median on a quartile as symmetric, where the ratio says more
     * about rounding than about shape. */
    struct beacon_quartiles q;
    beacon_score_quartiles(sorted, n, &q);
    double iqr = q.q3 - q.q1;
    if (iqr >= 10 && q.q2 != q.q1 && q.q2 != q.q3)
        out->skew = (q.q1 + q.q3 - 2 * q.q2) / iqr;
    out->skew_score = 1.0 - fabs(out->skew);

    /* Median absolute deviation about the median, normalised by it. */
    out->median = q.q2;
    for (size_t i = 0; i < n; i++)
        scratch[i] = fabs(sorted[i] - out->median);
    qsort(scratch, n, sizeof(*scratch), cmp_double);
    out->mad = beacon_score_median(scratch, n);
    out->mad_score = default_mad_score;
    if (out->median >= 1)
        out->mad_score = (out->median - out->mad) / out->median;
    if (!(out->mad_score >= 0)) /* negative or NaN */
        out->mad_score = 0;

    out->score = beacon_score_round3((out->skew_score + out->mad_score) / 2.0);
    return 0;
}

int beacon_score_timestamps(const double *sorted_ts, size_t n, double *scratch,
                            struct beacon_stat *out)
{
    memset(out, 0, sizeof(*out));
    if (!sorted_ts || !scratch || n < 4)
        return -EINVAL;
    double *deltas = scratch;
    size_t nonzero = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        deltas[i] = sorted_ts[i + 1] - sorted_ts[i];
        nonzero += deltas[i] > 0;
    }
    if (nonzero < 3)
        return -EINVAL;
    /* Two connections in the same second say nothing about the period:
     * the intervals of the unique times are scored. */
    qsort(deltas, n - 1, sizeof(*deltas), cmp_double);
    const double *unique = deltas + (n - 1 - nonzero);
    return beacon_score_stat(unique, nonzero, 1.0, scratch + n, out);
}

int beacon_score_sizes(const double *sorted, size_t n, double *scratch, struct beacon_stat *out)
{
    /* A median size under one byte is no evidence of consistency. */
    return beacon_score_stat(sorted, n, 0.0, scratch, out);
}

int beacon_score_bin(const double *ts, const double *weights, size_t n, double min_ts,
                     double max_ts, double *bins, size_t nbins)
{
    if (!bins || nbins == 0 || nbins > BEACON_SCORE_MAX_BINS || !(max_ts > min_ts))
        return -EINVAL;
    for (size_t i = 0; i < nbins; i++)
        bins[i] = 0;
    double step = (max_ts - min_ts) / (double)nbins;
    for (size_t k = 0; k < n; k++) {
        double t = ts[k];
        /* Edges as RITA computes them (start + i * step, the last one the
         * end itself); the division only finds the neighbourhood. */
        double guess = floor((t - min_ts) / step);
        size_t i = guess <= 0 ? 0 : guess >= (double)(nbins - 1) ? nbins - 1 : (size_t)guess;
        while (i + 1 < nbins && t >= min_ts + (double)(i + 1) * step)
            i++;
        while (i > 0 && t < min_ts + (double)i * step)
            i--;
        bins[i] += weights ? weights[k] : 1.0;
    }
    return 0;
}

int beacon_score_spread(const uint32_t *counts, size_t ncounts, double lo, double width,
                        double data_lo, double data_hi, double min_ts, double max_ts, double *bins,
                        size_t nbins, double *earliest, double *in_window)
{
    *earliest = max_ts;
    *in_window = 0;
    if (!bins || nbins == 0 || nbins > BEACON_SCORE_MAX_BINS || !(max_ts > min_ts))
        return -EINVAL;
    for (size_t i = 0; i < nbins; i++)
        bins[i] = 0;
    double end = max_ts + 1, step = (end - min_ts) / (double)nbins;
    for (size_t k = 0; k < ncounts; k++) {
        double from = fmax(lo + (double)k * width, data_lo);
        double to = fmin(lo + (double)(k + 1) * width, data_hi + 1);
        double a = fmax(from, min_ts), b = fmin(to, end);
        if (!counts[k] || to <= from || b <= a)
            continue;
        *earliest = fmin(*earliest, a);
        for (size_t i = (size_t)fmin(floor((a - min_ts) / step), (double)(nbins - 1)); i < nbins;
             i++) {
            double bin_lo = min_ts + (double)i * step, bin_hi = bin_lo + step;
            double overlap = fmin(b, bin_hi) - fmax(a, bin_lo);
            if (overlap > 0)
                bins[i] += counts[k] * overlap / (to - from);
            if (bin_hi >= b)
                break;
        }
    }
    for (size_t i = 0; i < nbins; i++) {
        *in_window += bins[i];
        bins[i] = floor(bins[i] + 0.5);
    }
    return 0;
}

static double cv_score(const double *bins, size_t nbins)
{
    double total = 0;
    for (size_t i = 0; i < nbins; i++)
        total += bins[i];
    double mean = total / (double)nbins;
    double ss = 0;
    for (size_t i = 0; i < nbins; i++)
        ss += (bins[i] - mean) * (bins[i] - mean);
    double cv = sqrt(ss / (double)nbins) / fabs(mean);
    if (cv > 1.0)
        return 0.0;
    double s = beacon_score_round3(1.0 - cv);
    return s > 1.0 ? 1.0 : s;
}

double beacon_score_bimodal_fit(const unsigned *class_counts, size_t nclasses, unsigned bars,
                                unsigned outlier_removal, unsigned min_bars)
{
    /* Below 6 bars any histogram has "one or two modes"; RITA resets such
     * a setting to its default. */
    if (min_bars < 6)
        min_bars = 11;
    if (bars < min_bars)
        return 0.0;
    unsigned first = 0, second = 0;
    for (size_t k = 0; k < nclasses; k++) {
        if (class_counts[k] > first) {
            second = first;
            first = class_counts[k];
        } else if (class_counts[k] > second) {
            second = class_counts[k];
        }
    }
    long denom = (long)bars - (long)outlier_removal;
    double fit = (double)(first + second) / (double)(denom > 1 ? denom : 1);
    double s = beacon_score_round3(fit);
    return s > 1.0 ? 1.0 : s;
}

/* Bars grouped into height classes ceil(tallest * sensitivity) wide, then
 * the fit of the two commonest classes. */
static double bimodal_score(const double *bins, size_t nbins, unsigned bars, double tallest,
                            const struct beacon_hist_params *p)
{
    double width = ceil(tallest * p->mode_sensitivity);
    if (!(width >= 1)) /* a sensitivity of 0 would divide by zero */
        width = 1;
    double keys[BEACON_SCORE_MAX_BINS];
    unsigned counts[BEACON_SCORE_MAX_BINS];
    size_t nkeys = 0;
    for (size_t i = 0; i < nbins; i++) {
        if (bins[i] <= 0)
            continue;
        double key = floor(bins[i] / width);
        size_t k = 0;
        while (k < nkeys && keys[k] != key)
            k++;
        if (k == nkeys) {
            keys[nkeys] = key;
            counts[nkeys++] = 0;
        }
        counts[k]++;
    }
    return beacon_score_bimodal_fit(counts, nkeys, bars, p->bimodal_outlier_removal,
                                    p->bimodal_min_bars);
}

int beacon_score_histogram(const double *bins, size_t nbins, const struct beacon_hist_params *p,
                           struct beacon_hist *out)
{
    memset(out, 0, sizeof(*out));
    if (!bins || !p || nbins == 0 || nbins > BEACON_SCORE_MAX_BINS)
        return -EINVAL;
    double tallest = 0, total = 0;
    for (size_t i = 0; i < nbins; i++) {
        if (!(bins[i] >= 0))
            return -EINVAL;
        out->bars += bins[i] > 0;
        total += bins[i];
        if (bins[i] > tallest)
            tallest = bins[i];
    }
    if (total <= 0)
        return -EINVAL;
    /* Longest run of non-empty bins, the last wrapping onto the first. */
    unsigned run = 0;
    for (size_t i = 0; i < 2 * nbins; i++) {
        if (bins[i % nbins] > 0) {
            run++;
        } else {
            if (run > out->longest_run)
                out->longest_run = run;
            run = 0;
        }
    }
    if (run > out->longest_run)
        out->longest_run = run;
    if (out->longest_run > nbins)
        out->longest_run = (unsigned)nbins;

    out->cv_score = cv_score(bins, nbins);
    out->bimodal_score = bimodal_score(bins, nbins, out->bars, tallest, p);
    out->score = out->cv_score > out->bimodal_score ? out->cv_score : out->bimodal_score;
    return 0;
}

int beacon_score_duration(double ds_min, double ds_max, double first, double last, unsigned bars,
                          unsigned longest_run, unsigned min_bars, unsigned ideal_run,
                          struct beacon_duration *out)
{
    memset(out, 0, sizeof(*out));
    if (min_bars < 1 || ideal_run < 1 || !(ds_max > ds_min) || !(last > first))
        return -EINVAL;
    if (bars < min_bars)
        return 0;
    out->coverage = ceil3((last - first) / (ds_max - ds_min));
    if (out->coverage > 1.0)
        out->coverage = 1.0;
    out->consistency = ceil3((double)longest_run / (double)ideal_run);
    if (out->consistency > 1.0)
        out->consistency = 1.0;
    out->score = out->coverage > out->consistency ? out->coverage : out->consistency;
    return 0;
}

int beacon_score_total(const double parts[BEACON_PART_COUNT],
                       const double weights[BEACON_PART_COUNT], double *out)
{
    *out = 0;
    double sum_w = 0, sum = 0;
    for (int i = 0; i < BEACON_PART_COUNT; i++) {
        if (!(parts[i] >= 0 && parts[i] <= 1) || !(weights[i] >= 0 && weights[i] <= 1))
            return -EINVAL;
        sum_w += weights[i];
        sum += parts[i] * weights[i];
    }
    /* RITA wants the weights to sum to exactly 1; decimal weights such as
     * 0.35 + 0.2 + 0.35 + 0.1 do not, in binary, so allow rounding. */
    if (fabs(sum_w - 1.0) > 1e-9)
        return -EINVAL;
    *out = beacon_score_round3(sum);
    return 0;
}

/* The samples inside the window: times and weights as given (for the
 * histogram), times and sizes sorted (for the statistics). */
static size_t gather(const struct beacon_score_input *in, double *t, double *w, double *ts,
                     double *sz, double *bytes_mean)
{
    size_t n = 0;
    double sum = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (in->times[i] < in->ws || in->times[i] > in->we)
            continue;
        ts[n] = t[n] = in->times[i];
        w[n] = in->counts ? in->counts[i] : 1;
        sz[n] = in->sizes[i];
        sum += sz[n++];
    }
    qsort(ts, n, sizeof(*ts), cmp_double);
    qsort(sz, n, sizeof(*sz), cmp_double);
    *bytes_mean = n ? sum / (double)n : 0;
    return n;
}

int beacon_score_pair(const struct beacon_score_input *in, const struct beacon_score_params *p,
                      double *scratch, struct beacon_score_result *out)
{
    memset(out, 0, sizeof(*out));
    if (!(in->we > in->ws) || p->nbins == 0 || p->nbins > BEACON_SCORE_MAX_BINS)
        return -EINVAL;
    double *t = scratch, *w = t + in->n, *ts = w + in->n, *sz = ts + in->n, *tmp = sz + in->n;
    size_t n = out->samples = gather(in, t, w, ts, sz, &out->bytes_mean);
    size_t unique = n > 0;
    for (size_t i = 1; i < n; i++)
        unique += ts[i] != ts[i - 1];
    if (unique < 4 || unique < p->min_unique)
        return -EINVAL;
    double bins[BEACON_SCORE_MAX_BINS];
    out->first = ts[0];
    out->last = ts[n - 1];
    if (in->buckets) {
        out->last = fmax(out->last, in->data_last);
        beacon_score_spread(in->buckets, in->nbuckets, in->bucket_lo, in->bucket_width,
                            in->data_first, in->data_last, in->ws, in->we, bins, p->nbins,
                            &out->first, &out->conns);
    } else {
        beacon_score_bin(t, w, n, in->ws, in->we, bins, p->nbins);
        for (unsigned i = 0; i < p->nbins; i++)
            out->conns += bins[i];
    }
    int rc = beacon_score_timestamps(ts, n, tmp, &out->ts);
    if (rc == 0)
        rc = beacon_score_sizes(sz, n, tmp, &out->ds);
    if (rc == 0)
        rc = beacon_score_histogram(bins, p->nbins, &p->hist, &out->hist);
    if (rc == 0)
        rc = beacon_score_duration(in->ws, in->we, out->first, out->last, out->hist.bars,
                                   out->hist.longest_run, p->dur_min_bars, p->dur_ideal_run,
                                   &out->dur);
    if (rc == 0) {
        const double parts[BEACON_PART_COUNT] = {out->ts.score, out->ds.score, out->hist.score,
                                                 out->dur.score};
        rc = beacon_score_total(parts, p->weights, &out->score);
    }
    return rc;
}
