/* robust_mahal.h — an online, robust Mahalanobis model of one feature vector.
 *
 * Per feature a centre and a scale, learnt by exponentially weighted Huber
 * M-estimation: the robust exponential smoothing of Gelper, Fried and Croux
 * (J. Forecasting 29, 2010), location by Huber's psi, scale by Huber's
 * "proposal 2" (Huber 1964), so one wild hour moves neither by more than a
 * bounded step. The features' correlation is learnt from the same clipped
 * residuals and shrunk toward the identity before it is inverted (Ledoit
 * and Wolf 2004), more strongly while few vectors are in. A vector's
 * squared distance is then z' R^-1 z, read as an equivalent normal z by the
 * Wilson–Hilferty cube root (PNAS 17, 1931). The first ROBUST_MAHAL_WARM
 * vectors are only kept; the model starts from their median and MAD, so a
 * wild first hour (often a partial one) does not become the centre.
 *
 * Fixed size and plain data: the model lives inside a bhv_table record and
 * is saved as it is. Not a classifier: it says how unlike its past a vector
 * is, not why.
 */
#ifndef HRADBA_DETECT_HOST_MODEL_ROBUST_MAHAL_H
#define HRADBA_DETECT_HOST_MODEL_ROBUST_MAHAL_H

#include <stdint.h>

/* host_model's feature count; a second user with another count would make
 * this a parameter. */
enum {
    ROBUST_MAHAL_DIM = 13,
    ROBUST_MAHAL_TRI = ROBUST_MAHAL_DIM * (ROBUST_MAHAL_DIM + 1) / 2,
    ROBUST_MAHAL_WARM = ROBUST_MAHAL_TRI / ROBUST_MAHAL_DIM, /* (DIM + 1) / 2 vectors */
};

struct robust_mahal {
    uint32_t n; /* vectors learnt, 0: empty */
    uint32_t reserved;
    float centre[ROBUST_MAHAL_DIM];
    float scale[ROBUST_MAHAL_DIM]; /* robust standard deviation, before the floor */
    /* EW mean of products of clipped residuals, lower triangle; while
     * n < ROBUST_MAHAL_WARM, the vectors learnt so far, one after another. */
    float cross[ROBUST_MAHAL_TRI];
};

struct robust_mahal_params {
    double eta_min;                 /* learning rate once warm: 1 - 2^(-1/half-life in vectors) */
    double shrinkage;               /* least weight of the identity in the correlation, (0, 1] */
    double floor[ROBUST_MAHAL_DIM]; /* least scale of each feature: what "no change" is */
};

/* Learns x. The ROBUST_MAHAL_WARM-th vector starts the model: centre and
 * scale from the median and MAD of the vectors so far, correlation from
 * prior when prior is warm (a peer group's model), else none. */
void robust_mahal_learn(struct robust_mahal *m, const double x[ROBUST_MAHAL_DIM],
                        const struct robust_mahal *prior, const struct robust_mahal_params *p);

/* The squared distance of x from the model; 0 (and z, contrib 0) while it
 * is warming up (n < ROBUST_MAHAL_WARM). z gets each feature's standardised deviation and
 * contrib its share z_j (R^-1 z)_j, which sum to the distance. */
double robust_mahal_distance(const struct robust_mahal *m, const double x[ROBUST_MAHAL_DIM],
                             const struct robust_mahal_params *p, double z[ROBUST_MAHAL_DIM],
                             double contrib[ROBUST_MAHAL_DIM]);

/* The standard normal deviate with the same upper tail as a chi-square
 * with dof degrees of freedom at d2 (Wilson–Hilferty). */
double robust_mahal_equivalent_z(double d2, unsigned dof);

#endif
