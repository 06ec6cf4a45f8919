/* Unit tests for core/qsbr.c: reclamation rules on one thread, then two
 * reader threads using the object while a writer swaps 1000 of them (run
 * under ASan, which turns a use after free into a failure). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/qsbr.h"

#include <cmocka.h>

#define MAGIC 0x5eedf00du

struct obj {
    uint32_t gen;
    _Atomic uint32_t magic; /* cleared when freed, for builds without ASan */
};

static _Atomic unsigned freed;

static struct obj *make(uint32_t gen)
{
    struct obj *o = malloc(sizeof(*o));
    assert_non_null(o);
    o->gen = gen;
    atomic_init(&o->magic, MAGIC);
    return o;
}

static void obj_free(void *p)
{
    struct obj *o = p;
    atomic_store(&o->magic, 0);
    atomic_fetch_add(&freed, 1);
    free(o);
}

static void test_reclaim_rules(void **state)
{
    (void)state;
    atomic_store(&freed, 0);
    assert_null(qsbr_new(0, obj_free));
    struct qsbr *r = qsbr_new(2, obj_free);
    assert_non_null(r);
    assert_null(qsbr_get(r));
    /* offline readers hold nothing back */
    assert_int_equal(qsbr_publish(r, make(1)), 0);
    assert_int_equal(qsbr_publish(r, make(2)), 0);
    assert_int_equal(qsbr_reclaim(r), 0);
    assert_int_equal(atomic_load(&freed), 1);
    qsbr_online(r, 0);
    qsbr_online(r, 1);
    const struct obj *seen = qsbr_get(r);
    assert_int_equal(qsbr_publish(r, make(3)), 0);
    /* both readers may still use `seen` */
    assert_int_equal(qsbr_reclaim(r), 1);
    assert_int_equal(seen->gen, 2);
    assert_int_equal(atomic_load(&seen->magic), MAGIC);
    qsbr_quiescent(r, 0);
    assert_int_equal(qsbr_reclaim(r), 1);
    qsbr_quiescent(r, 1);
    assert_int_equal(qsbr_reclaim(r), 0);
    assert_int_equal(atomic_load(&freed), 2);
    seen = qsbr_get(r);
    assert_int_equal(seen->gen, 3);
    qsbr_offline(r, 0);
    qsbr_quiescent(r, 7); /* out of range: ignored */
    assert_int_equal(qsbr_publish(r, NULL), 0);
    assert_int_equal(qsbr_reclaim(r), 1); /* reader 1 still online */
    qsbr_offline(r, 1);
    qsbr_synchronize(r);
    assert_null(qsbr_get(r));
    assert_int_equal(qsbr_publish(r, make(4)), 0);
    qsbr_free(r); /* frees the current one */
    assert_int_equal(atomic_load(&freed), 4);
    qsbr_free(NULL);
}

struct reader_arg {
    struct qsbr *r;
    unsigned worker;
    _Atomic int *stop;
    _Atomic uint32_t *published; /* highest generation published so far */
    uint64_t lookups;
    _Atomic int has_looked; /* lookups > 0, for the writer to wait on */
    int errors;
};

static void *reader(void *p)
{
    struct reader_arg *a = p;
    uint32_t last = 0;
    qsbr_online(a->r, a->worker);
    while (!atomic_load(a->stop)) {
        const struct obj *o = qsbr_get(a->r);
        /* several uses per "packet", then a quiescent point */
        for (int i = 0; i < 4 && o; i++) {
            if (atomic_load(&o->magic) != MAGIC) {
                a->errors++;
                continue;
            }
            /* objects only move forward, and never ahead of the writer */
            if (o->gen < last || o->gen > atomic_load(a->published))
                a->errors++;
            last = o->gen;
            a->lookups++;
            atomic_store(&a->has_looked, 1);
        }
        qsbr_quiescent(a->r, a->worker);
    }
    qsbr_offline(a->r, a->worker);
    return NULL;
}

static void test_two_readers_1000_swaps(void **state)
{
    (void)state;
    struct qsbr *r = qsbr_new(2, obj_free);
    _Atomic int stop = 0;
    _Atomic uint32_t published = 1;
    assert_int_equal(qsbr_publish(r, make(1)), 0);
    struct reader_arg args[2];
    pthread_t th[2];
    for (unsigned i = 0; i < 2; i++) {
        args[i] = (struct reader_arg){r, i, &stop, &published, 0, 0, 0};
        assert_int_equal(pthread_create(&th[i], NULL, reader, &args[i]), 0);
    }
    size_t max_waiting = 0;
    /* 1000 swaps, and more until both readers have looked at least once (a
     * loaded machine may not schedule them before the writer is done). */
    for (uint32_t gen = 2;
         gen <= 1001 || !atomic_load(&args[0].has_looked) || !atomic_load(&args[1].has_looked);
         gen++) {
        struct obj *m = make(gen);
        atomic_store(&published, gen);
        assert_int_equal(qsbr_publish(r, m), 0);
        size_t waiting = qsbr_reclaim(r);
        if (waiting > max_waiting)
            max_waiting = waiting;
    }
    atomic_store(&stop, 1);
    for (unsigned i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    qsbr_synchronize(r);
    assert_int_equal(qsbr_reclaim(r), 0);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(args[i].errors, 0);
        assert_true(args[i].lookups > 0);
    }
    print_message("lookups %llu + %llu, at most %zu objects waiting\n",
                  (unsigned long long)args[0].lookups, (unsigned long long)args[1].lookups,
                  max_waiting);
    qsbr_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reclaim_rules),
        cmocka_unit_test(test_two_readers_1000_swaps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
