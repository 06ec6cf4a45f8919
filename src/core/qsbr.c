/* qsbr.c — one atomic pointer and quiescent-state-based reclamation.
 *
 * The writer swaps the pointer, then bumps a generation counter and tags the
 * old object with it. Each worker, at a quiescent point, copies the
 * generation into its own cache line. A retired object is freed once every
 * online worker's copy has reached its tag: that worker read the generation
 * after the swap, so every pointer it loads afterwards is a newer one, and
 * it dropped the older one at that point. Readers never wait; the writer
 * never blocks a reader. Every atomic is sequentially consistent, which on
 * the reader side costs a plain load per lookup and, when the generation has
 * moved, one store.
 */
#include "core/qsbr.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORKER_OFFLINE UINT64_MAX
#define WORKERS_MAX 1024

struct qsbr_reader {
    _Atomic uint64_t seen; /* generation at its last quiescent point */
    char pad[64 - sizeof(uint64_t)];
};

struct retired {
    void *obj;
    uint64_t gen;
    struct retired *next;
};

struct qsbr {
    _Atomic(void *) cur;
    void (*free_fn)(void *obj);
    _Atomic uint64_t gen;
    unsigned worker_count;
    struct qsbr_reader *workers; /* one cache line each */
    struct retired *retired;     /* writer only */
};

struct qsbr *qsbr_new(unsigned worker_count, void (*free_fn)(void *obj))
{
    if (worker_count == 0 || worker_count > WORKERS_MAX)
        return NULL;
    struct qsbr *r = calloc(1, sizeof(*r));
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
    r->free_fn = free_fn;
    return r;
}

void qsbr_free(struct qsbr *r)
{
    if (!r)
        return;
    if (atomic_load(&r->cur))
        r->free_fn(atomic_load(&r->cur));
    while (r->retired) {
        struct retired *n = r->retired->next;
        r->free_fn(r->retired->obj);
        free(r->retired);
        r->retired = n;
    }
    free(r->workers);
    free(r);
}

size_t qsbr_reclaim(struct qsbr *r)
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
            r->free_fn(e->obj);
            free(e);
        } else {
            waiting++;
            pp = &e->next;
        }
    }
    return waiting;
}

int qsbr_publish(struct qsbr *r, void *obj)
{
    /* Allocated first, so a failure leaves the old object in place. */
    struct retired *e = malloc(sizeof(*e));
    if (!e)
        return -ENOMEM;
    void *old = atomic_exchange(&r->cur, obj);
    uint64_t gen = atomic_fetch_add(&r->gen, 1) + 1;
    if (old) {
        e->obj = old;
        e->gen = gen;
        e->next = r->retired;
        r->retired = e;
    } else {
        free(e);
    }
    qsbr_reclaim(r);
    return 0;
}

void qsbr_synchronize(struct qsbr *r)
{
    struct timespec ts = {0, 100 * 1000};
    while (qsbr_reclaim(r) > 0)
        nanosleep(&ts, NULL);
}

void *qsbr_get(struct qsbr *r)
{
    return atomic_load(&r->cur);
}

void qsbr_quiescent(struct qsbr *r, unsigned worker)
{
    if (worker >= r->worker_count)
        return;
    struct qsbr_reader *w = &r->workers[worker];
    uint64_t g = atomic_load(&r->gen);
    /* Unchanged: what it could free was freeable at the last store already. */
    if (atomic_load_explicit(&w->seen, memory_order_relaxed) != g)
        atomic_store(&w->seen, g);
}

void qsbr_online(struct qsbr *r, unsigned worker)
{
    if (worker >= r->worker_count)
        return;
    atomic_store(&r->workers[worker].seen, atomic_load(&r->gen));
}

void qsbr_offline(struct qsbr *r, unsigned worker)
{
    if (worker >= r->worker_count)
        return;
    atomic_store(&r->workers[worker].seen, WORKER_OFFLINE);
}
