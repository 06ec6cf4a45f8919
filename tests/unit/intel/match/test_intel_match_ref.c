/* Unit tests for intel/match/intel_match_ref.c: reclamation rules on one
 * thread, then two reader threads matching while a writer swaps 1000
 * matchers (run under ASan, and under TSan as described in docs/intel.md). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "intel/match/intel_match.h"

#include <cmocka.h>

static struct intel_match *make(uint32_t ref)
{
    struct intel_match_builder *b = intel_match_builder_new();
    assert_non_null(b);
    assert_int_equal(intel_match_builder_add(b, INTEL_KIND_IPV4, "192.0.2.1", 9, ref), 0);
    assert_int_equal(intel_match_builder_add(b, INTEL_KIND_DOMAIN, "evil.example", 12, ref), 0);
    struct intel_match *m = intel_match_build(b);
    assert_non_null(m);
    intel_match_builder_free(b);
    return m;
}

static void test_reclaim_rules(void **state)
{
    (void)state;
    assert_null(intel_match_ref_new(0));
    struct intel_match_ref *r = intel_match_ref_new(2);
    assert_non_null(r);
    assert_null(intel_match_ref_get(r));
    /* offline workers hold nothing back */
    assert_int_equal(intel_match_ref_publish(r, make(1)), 0);
    assert_int_equal(intel_match_ref_publish(r, make(2)), 0);
    assert_int_equal(intel_match_ref_reclaim(r), 0);
    intel_match_ref_online(r, 0);
    intel_match_ref_online(r, 1);
    const struct intel_match *seen = intel_match_ref_get(r);
    assert_int_equal(intel_match_ref_publish(r, make(3)), 0);
    /* both workers may still use `seen` */
    assert_int_equal(intel_match_ref_reclaim(r), 1);
    struct intel_match_hit h;
    assert_int_equal(intel_match_domain(seen, "a.evil.example", 14, &h, 1), 1);
    assert_int_equal(h.refs[0], 2);
    intel_match_ref_quiescent(r, 0);
    assert_int_equal(intel_match_ref_reclaim(r), 1);
    intel_match_ref_quiescent(r, 1);
    assert_int_equal(intel_match_ref_reclaim(r), 0);
    seen = intel_match_ref_get(r);
    assert_int_equal(intel_match_domain(seen, "evil.example", 12, &h, 1), 1);
    assert_int_equal(h.refs[0], 3);
    intel_match_ref_offline(r, 0);
    intel_match_ref_quiescent(r, 7); /* out of range: ignored */
    assert_int_equal(intel_match_ref_publish(r, NULL), 0);
    assert_int_equal(intel_match_ref_reclaim(r), 1); /* worker 1 still online */
    intel_match_ref_offline(r, 1);
    intel_match_ref_synchronize(r);
    assert_null(intel_match_ref_get(r));
    assert_int_equal(intel_match_ref_publish(r, make(4)), 0);
    intel_match_ref_free(r); /* frees the current one */
    intel_match_ref_free(NULL);
}

struct reader_arg {
    struct intel_match_ref *r;
    unsigned worker;
    _Atomic int *stop;
    _Atomic uint32_t *published; /* highest ref published so far */
    uint64_t lookups;
    _Atomic int has_looked; /* lookups > 0, for the writer to wait on */
    int errors;
};

static void *reader(void *p)
{
    struct reader_arg *a = p;
    uint8_t addr[16] = {192, 0, 2, 1};
    uint32_t last = 0;
    intel_match_ref_online(a->r, a->worker);
    while (!atomic_load(a->stop)) {
        const struct intel_match *m = intel_match_ref_get(a->r);
        /* several lookups per "packet", then a quiescent point */
        for (int i = 0; i < 4 && m; i++) {
            struct intel_match_hit h;
            if (intel_match_ip(m, addr, 4, &h, 1) != 1 ||
                intel_match_domain(m, "x.evil.example", 14, &h, 1) != 1) {
                a->errors++;
                continue;
            }
            /* matchers only move forward, and never ahead of the writer */
            if (h.refs[0] < last || h.refs[0] > atomic_load(a->published))
                a->errors++;
            last = h.refs[0];
            a->lookups++;
            atomic_store(&a->has_looked, 1);
        }
        intel_match_ref_quiescent(a->r, a->worker);
    }
    intel_match_ref_offline(a->r, a->worker);
    return NULL;
}

static void test_two_readers_1000_swaps(void **state)
{
    (void)state;
    struct intel_match_ref *r = intel_match_ref_new(2);
    _Atomic int stop = 0;
    _Atomic uint32_t published = 1;
    assert_int_equal(intel_match_ref_publish(r, make(1)), 0);
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
        struct intel_match *m = make(gen);
        atomic_store(&published, gen);
        assert_int_equal(intel_match_ref_publish(r, m), 0);
        size_t waiting = intel_match_ref_reclaim(r);
        if (waiting > max_waiting)
            max_waiting = waiting;
    }
    atomic_store(&stop, 1);
    for (unsigned i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    intel_match_ref_synchronize(r);
    assert_int_equal(intel_match_ref_reclaim(r), 0);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(args[i].errors, 0);
        assert_true(args[i].lookups > 0);
    }
    print_message("lookups %llu + %llu, at most %zu matchers waiting\n",
                  (unsigned long long)args[0].lookups, (unsigned long long)args[1].lookups,
                  max_waiting);
    intel_match_ref_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reclaim_rules),
        cmocka_unit_test(test_two_readers_1000_swaps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
