/* robust_mahal.c — EW Huber centre/scale, shrunk correlation, Mahalanobis
 * distance (robust_mahal.h). */
#include "detect/host_model/robust_mahal.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define D ROBUST_MAHAL_DIM

/* Huber's tuning constant 2 (Gelper et al. use 2 for both steps), and
 * E[min(Z^2, 4)] for standard normal Z, which makes the clipped variance
 * estimate consistent at the normal (Huber's proposal 2). */
#define HUBER_K 2.0
#define HUBER_VAR 0.920536

static size_t tri(size_t i, size_t j) /* i >= j */
{
    return i * (i + 1) / 2 + j;
}

static double psi(double r)
{
    return r > HUBER_K ? HUBER_K : r < -HUBER_K ? -HUBER_K : r;
}

static double floored(const struct robust_mahal *m, const struct robust_mahal_params *p, size_t j)
{
    return fmax(m->scale[j], p->floor[j]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(v[0]), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Centre and scale from the median and MAD of the n vectors kept while
 * warming up (1.4826 MAD estimates a normal's standard deviation). */
static void warm_start(struct robust_mahal *m, size_t n)
{
    for (size_t j = 0; j < D; j++) {
        double v[ROBUST_MAHAL_WARM];
        for (size_t i = 0; i < n; i++)
            v[i] = m->cross[i * D + j];
        double c = median(v, n);
        for (size_t i = 0; i < n; i++)
            v[i] = fabs(v[i] - c);
        m->centre[j] = (float)c;
        m->scale[j] = (float)(1.4826 * median(v, n));
    }
}

static void no_correlation(struct robust_mahal *m)
{
    memset(m->cross, 0, sizeof(m->cross));
    for (size_t j = 0; j < D; j++)
        m->cross[tri(j, j)] = (float)HUBER_VAR;
}

/* Keeps x while warming up; the last warm-up vector starts the model. */
static void warm_up(struct robust_mahal *m, const double x[D], const struct robust_mahal *prior)
{
    for (size_t j = 0; j < D; j++)
        m->cross[m->n * D + j] = (float)x[j];
    m->n++;
    if (m->n < ROBUST_MAHAL_WARM)
        return;
    warm_start(m, m->n);
    if (prior && prior->n >= ROBUST_MAHAL_WARM)
        memcpy(m->cross, prior->cross, sizeof(m->cross));
    else
        no_correlation(m);
}

void robust_mahal_learn(struct robust_mahal *m, const double x[D], const struct robust_mahal *prior,
                        const struct robust_mahal_params *p)
{
    if (m->n < ROBUST_MAHAL_WARM) {
        warm_up(m, x, prior);
        return;
    }
    /* 1/(n+1) at first, a running mean of the first vectors; then the
     * exponential weight takes over so old behaviour fades. */
    double eta = fmax(1.0 / (m->n + 1.0), p->eta_min);
    double u[D];
    for (size_t j = 0; j < D; j++) {
        double s = floored(m, p, j);
        double r = (x[j] - m->centre[j]) / s;
        u[j] = psi(r);
        m->centre[j] = (float)(m->centre[j] + eta * s * u[j]);
        double var =
            (1 - eta) * (double)m->scale[j] * m->scale[j] + eta * s * s * u[j] * u[j] / HUBER_VAR;
        m->scale[j] = (float)sqrt(var);
    }
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j <= i; j++)
            m->cross[tri(i, j)] = (float)((1 - eta) * m->cross[tri(i, j)] + eta * u[i] * u[j]);
    if (m->n < UINT32_MAX)
        m->n++;
}

/* The correlation of the clipped residuals, shrunk toward I, into a full
 * matrix. A feature that never moved has no correlation with anything. */
static void correlation(const struct robust_mahal *m, const struct robust_mahal_params *p,
                        double r[D][D])
{
    /* Shrink by at least D/n_eff while the sample is small: n_eff is the
     * number of vectors behind the estimate, ~2/eta once it is weighted. */
    double n_eff = fmin((double)m->n, 2.0 / p->eta_min);
    double lambda = fmin(1.0, fmax(p->shrinkage, (double)D / fmax(n_eff, 1.0)));
    double sd[D];
    for (size_t j = 0; j < D; j++)
        sd[j] = sqrt(fmax(m->cross[tri(j, j)], 0.0));
    for (size_t i = 0; i < D; i++) {
        for (size_t j = 0; j <= i; j++) {
            double c = 0;
            if (i == j)
                c = 1;
            else if (sd[i] > 1e-6 && sd[j] > 1e-6)
                c = fmax(-1.0, fmin(1.0, m->cross[tri(i, j)] / (sd[i] * sd[j])));
            r[i][j] = r[j][i] = i == j ? 1.0 : (1 - lambda) * c;
        }
    }
}

/* Solves r w = z by Cholesky; false when r is not positive definite. */
static bool cholesky_solve(double r[D][D], const double z[D], double w[D])
{
    for (size_t j = 0; j < D; j++) {
        double s = r[j][j];
        for (size_t k = 0; k < j; k++)
            s -= r[j][k] * r[j][k];
        if (s <= 1e-9)
            return false;
        r[j][j] = sqrt(s);
        for (size_t i = j + 1; i < D; i++) {
            double t = r[i][j];
            for (size_t k = 0; k < j; k++)
                t -= r[i][k] * r[j][k];
            r[i][j] = t / r[j][j];
        }
    }
    double y[D];
    for (size_t i = 0; i < D; i++) {
        double t = z[i];
        for (size_t k = 0; k < i; k++)
            t -= r[i][k] * y[k];
        y[i] = t / r[i][i];
    }
    for (size_t i = D; i-- > 0;) {
        double t = y[i];
        for (size_t k = i + 1; k < D; k++)
            t -= r[k][i] * w[k];
        w[i] = t / r[i][i];
    }
    return true;
}

double robust_mahal_distance(const struct robust_mahal *m, const double x[D],
                             const struct robust_mahal_params *p, double z[D], double contrib[D])
{
    double r[D][D], w[D];
    if (m->n < ROBUST_MAHAL_WARM) {
        memset(z, 0, D * sizeof(z[0]));
        memset(contrib, 0, D * sizeof(contrib[0]));
        return 0;
    }
    for (size_t j = 0; j < D; j++)
        z[j] = (x[j] - m->centre[j]) / floored(m, p, j);
    correlation(m, p, r);
    if (!cholesky_solve(r, z, w)) /* cannot happen with shrinkage > 0; be safe */
        memcpy(w, z, sizeof(w));
    double d2 = 0;
    for (size_t j = 0; j < D; j++) {
        contrib[j] = z[j] * w[j];
        d2 += contrib[j];
    }
    return d2 > 0 ? d2 : 0;
}

double robust_mahal_equivalent_z(double d2, unsigned dof)
{
    double k = dof ? dof : 1;
    double v = 2.0 / (9.0 * k);
    return (cbrt(d2 / k) - (1.0 - v)) / sqrt(v);
}
