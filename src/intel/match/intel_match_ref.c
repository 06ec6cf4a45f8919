/* intel_match_ref.c — the matcher swap holder: one atomic pointer and
 * quiescent-state-based reclamation (QSBR).
 *
 * The writer swaps the pointer, then bumps a generation counter and tags the
 * old matcher with it. Each worker, at a quiescent point, copies the
 * generation into its own cache line. A retired matcher is freed once every
 * online worker's copy has reached its tag: that worker read the generation
 * after the swap, so every pointer it loads afterwards is a newer one, and
 * it dropped the older one at that point. Readers never wait; the writer
 * never blocks a reader. Every atomic is sequentially consistent, which on
 * the reader side costs a plain load per lookup and, when the generation has
 * moved, one store.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intel/match/intel_match.h"

#define WORKER_OFFLINE UINT64_MAX
#define WORKERS_MAX 1024

struct match_worker {
    _Atomic uint64_t seen; /* generation at its last quiescent point */
    char pad[64 - sizeof(uint64_t)];
};

struct retired {
    struct intel_match *m;
    uint64_t gen;
    struct retired *next;
};

struct intel_match_ref {
    _Atomic(struct intel_match *) cur;
    _Atomic uint64_t gen;
    unsigned worker_count;
    struct match_worker *workers; /* one cache line each */
    struct retired *retired;      /* writer only */
};

struct intel_match_ref *intel_match_ref_new(unsigned worker_count)
{
    if (worker_count == 0 || worker_count > WORKERS_MAX)
        return NULL;
    struct intel_match_ref *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->workers = aligned_alloc(64, worker_count * sizeof(*r->workers));
    if (!r->workers) {
        free(r);
        return NULL;
    }
    memset(r->workers, 0, worker_count * sizeof(*r->workers));
    for (unsigned i = 0; i < worker_count; i++)
        atomic_init(&r->workers[i].seen, WORKER_OFFLINE);
    atomic_init(&r->cur, NULL);
    atomic_init(&r->gen, 1);
    r->worker_count = worker_count;
    return r;
}

void intel_match_ref_free(struct intel_match_ref *r)
{
    if (!r)
        return;
    intel_match_free(atomic_load(&r->cur));
    while (r->retired) {
        struct retired *n = r->retired->next;
        intel_match_free(r->retired->m);
        free(r->retired);
        r->retired = n;
    }
    free(r->workers);
    free(r);
}

size_t intel_match_ref_reclaim(struct intel_match_ref *r)
{
    uint64_t low = WORKER_OFFLINE;
    for (unsigned i = 0; i < r->worker_count; i++) {
        uint64_t s = atomic_load(&r->workers[i].seen);
        if (s < low)
            low = s;
    }
    size_t waiting = 0;
    struct retired **pp = &r->retired;
    while (*pp) {
        struct retired *e = *pp;
        if (e->gen <= low) {
            *pp = e->next;
            intel_match_free(e->m);
            free(e);
        } else {
            waiting++;
            pp = &e->next;
        }
    }
    return waiting;
}

int intel_match_ref_publish(struct intel_match_ref *r, struct intel_match *m)
{
    /* Allocated first, so a failure leaves the old matcher in place. */
    struct retired *e = malloc(sizeof(*e));
    if (!e)
        return -ENOMEM;
    struct intel_match *old = atomic_exchange(&r->cur, m);
    uint64_t gen = atomic_fetch_add(&r->gen, 1) + 1;
    if (old) {
        e->m = old;
        e->gen = gen;
        e->next = r->retired;
        r->retired = e;
    } else {
        free(e);
    }
    intel_match_ref_reclaim(r);
    return 0;
}

void intel_match_ref_synchronize(struct intel_match_ref *r)
{
    struct timespec ts = {0, 100 * 1000};
    while (intel_match_ref_reclaim(r) > 0)
        nanosleep(&ts, NULL);
}

const struct intel_match *intel_match_ref_get(struct intel_match_ref *r)
{
    return atomic_load(&r->cur);
}

void intel_match_ref_quiescent(struct intel_match_ref *r, unsigned worker)
{
    if (worker >= r->worker_count)
        return;
    struct match_worker *w = &r->workers[worker];
    uint64_t g = atomic_load(&r->gen);
    /* Unchanged: what it could free was freeable at the last store already. */
    if (atomic_load_explicit(&w->seen, memory_order_relaxed) != g)
        atomic_store(&w->seen, g);
}

void intel_match_ref_online(struct intel_match_ref *r, unsigned worker)
{
    if (worker >= r->worker_count)
        return;
    atomic_store(&r->workers[worker].seen, atomic_load(&r->gen));
}

void intel_match_ref_offline(struct intel_match_ref *r, unsigned worker)
{
    if (worker >= r->worker_count)
        return;
    atomic_store(&r->workers[worker].seen, WORKER_OFFLINE);
}
