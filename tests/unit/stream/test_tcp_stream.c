/* test_tcp_stream.c — TCP reassembly: ordering, overlaps (first wins),
 * sequence wrap, SYN data, midstream, every kind of gap, caps, FIN/RST/stop,
 * and a randomised property test over 10,000 segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "stream/tcp_stream.h"
#include "stream_test_util.h"

#include <cmocka.h>

enum { CHUNK = 2048, TS = FLOW_TOSERVER, TC = FLOW_TOCLIENT };

struct env {
    struct tcp_stream_pool *pool;
    struct tcp_stream s;
    struct rec rec;
    struct tcp_stream_sink sink;
};

static uint64_t ctr(const struct tcp_stream_pool *pool, const char *name)
{
    struct counter_view v = tcp_stream_counters(pool);
    for (size_t i = 0; i < v.count; i++)
        if (strcmp(v.names[i], name) == 0)
            return v.values[i];
    fail_msg("no counter %s", name);
    return 0;
}

static struct env *env_new(size_t memcap, uint32_t depth)
{
    struct env *e = calloc(1, sizeof(*e));
    assert_non_null(e);
    struct tcp_stream_config cfg;
    tcp_stream_config_default(&cfg);
    if (memcap)
        cfg.memcap = memcap;
    if (depth)
        cfg.depth_held = depth;
    e->pool = tcp_stream_pool_new(&cfg);
    assert_non_null(e->pool);
    tcp_stream_init(&e->s);
    e->sink = (struct tcp_stream_sink){rec_data, rec_gap, &e->rec};
    e->rec.pool = e->pool;
    e->rec.s = &e->s;
    return e;
}

static void env_free(struct env *e)
{
    assert_int_equal(e->rec.is_bad, 0);
    tcp_stream_release(e->pool, &e->s);
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    tcp_stream_pool_free(e->pool);
    rec_free(&e->rec);
    free(e);
}

static void put(struct env *e, int dir, uint32_t seq, uint8_t flags, const void *data, size_t len)
{
    struct packet p = test_seg(seq, flags, 0, data, (uint32_t)len);
    tcp_stream_segment(e->pool, &e->s, (enum flow_dir)dir, &p, &e->sink);
}

static void put_s(struct env *e, int dir, uint32_t seq, uint8_t flags, const char *s)
{
    put(e, dir, seq, flags, s, strlen(s));
}

static void ack(struct env *e, int dir, uint32_t seq, uint32_t ack_no)
{
    struct packet p = test_seg(seq, TCP_ACK, ack_no, NULL, 0);
    tcp_stream_segment(e->pool, &e->s, (enum flow_dir)dir, &p, &e->sink);
}

/* dir's output so far: bytes, with '#' for each gap byte. */
static void assert_out(const struct env *e, int dir, const char *expect)
{
    const struct rec_dir *r = &e->rec.d[dir];
    char got[4096];
    assert_true(r->len < sizeof(got));
    for (size_t i = 0; i < r->len; i++)
        got[i] = r->is_gap[i] ? '#' : (char)r->buf[i];
    got[r->len] = '\0';
    assert_string_equal(got, expect);
}

static void test_in_order(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 999, TCP_SYN, "");
    put_s(e, TS, 1000, TCP_ACK, "hello ");
    const char *w = "world";
    put(e, TS, 1006, TCP_ACK | TCP_PSH, w, 5);
    assert_ptr_equal(e->rec.d[TS].last_ptr, w); /* straight from the packet */
    assert_out(e, TS, "hello world");
    assert_int_equal(e->rec.d[TS].data_calls, 2);
    assert_int_equal(ctr(e->pool, "segments"), 3);
    assert_int_equal(ctr(e->pool, "segments.in_order"), 2);
    assert_int_equal(ctr(e->pool, "segments.out_of_order"), 0);
    assert_int_equal(ctr(e->pool, "memory.max"), 0);
    assert_int_equal(ctr(e->pool, "midstream"), 0);
    env_free(e);
}

static void test_reversed(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TC, 99, TCP_SYN | TCP_ACK, "");
    const char *parts[] = {"aa", "bbb", "c", "dddd", "ee"};
    uint32_t off[5], seq = 100;
    for (int i = 0; i < 5; i++) {
        off[i] = seq;
        seq += (uint32_t)strlen(parts[i]);
    }
    for (int i = 4; i >= 1; i--)
        put_s(e, TC, off[i], TCP_ACK, parts[i]);
    assert_int_equal(e->rec.d[TC].len, 0);
    assert_true(ctr(e->pool, "memory.used") > 0);
    put_s(e, TC, off[0], TCP_ACK, parts[0]);
    assert_out(e, TC, "aabbbcddddee");
    assert_int_equal(ctr(e->pool, "segments.out_of_order"), 4);
    assert_int_equal(ctr(e->pool, "segments.in_order"), 1);
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    assert_int_equal(ctr(e->pool, "gaps"), 0);
    env_free(e);
}

/* Next permutation in lexicographic order; 0 after the last. */
static int next_perm(int *a, int n)
{
    int i = n - 2;
    while (i >= 0 && a[i] >= a[i + 1])
        i--;
    if (i < 0)
        return 0;
    int j = n - 1;
    while (a[j] <= a[i])
        j--;
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
    for (int l = i + 1, r = n - 1; l < r; l++, r--) {
        t = a[l];
        a[l] = a[r];
        a[r] = t;
    }
    return 1;
}

static void test_permutations(void **state)
{
    (void)state;
    /* Sizes include one segment spanning two chunks and tiny ones that
     * coalesce into a neighbour's chunk. */
    static const uint32_t len[5] = {7, 3000, 1, 1460, 90};
    static uint8_t orig[7 + 3000 + 1 + 1460 + 90];
    for (size_t i = 0; i < sizeof(orig); i++)
        orig[i] = (uint8_t)(i * 131u + (i >> 8));
    uint32_t off[5] = {0};
    for (int i = 1; i < 5; i++)
        off[i] = off[i - 1] + len[i - 1];
    int perm[5] = {0, 1, 2, 3, 4};
    unsigned count = 0;
    do {
        struct env *e = env_new(0, 0);
        put(e, TS, 0x7ffffffe, TCP_SYN, NULL, 0);
        for (int k = 0; k < 5; k++) {
            int i = perm[k];
            put(e, TS, 0x7fffffff + off[i], TCP_ACK, orig + off[i], len[i]);
        }
        assert_int_equal(e->rec.d[TS].len, sizeof(orig));
        assert_memory_equal(e->rec.d[TS].buf, orig, sizeof(orig));
        assert_int_equal(e->rec.d[TS].gap_calls, 0);
        assert_int_equal(ctr(e->pool, "memory.used"), 0);
        env_free(e);
        count++;
    } while (next_perm(perm, 5));
    assert_int_equal(count, 120);
}

static void test_retransmission_first_wins(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 0, TCP_SYN, "");
    put_s(e, TS, 1, TCP_ACK, "abcd");
    put_s(e, TS, 1, TCP_ACK, "abcd"); /* delivered already: same bytes */
    put_s(e, TS, 1, TCP_ACK, "XXXX"); /* delivered already: cannot compare */
    assert_int_equal(ctr(e->pool, "retransmissions"), 2);
    /* Held segment retransmitted, once identical, once different. */
    put_s(e, TS, 9, TCP_ACK, "ijkl");
    put_s(e, TS, 9, TCP_ACK, "ijkl");
    assert_int_equal(ctr(e->pool, "overlaps.different"), 0);
    put_s(e, TS, 9, TCP_ACK, "IJKL");
    assert_int_equal(ctr(e->pool, "overlaps.different"), 1);
    assert_int_equal(ctr(e->pool, "retransmissions"), 4);
    put_s(e, TS, 5, TCP_ACK, "efgh");
    assert_out(e, TS, "abcdefghijkl");
    assert_int_equal(ctr(e->pool, "overlaps"), 0);
    env_free(e);
}

static void test_partial_overlaps(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 0, TCP_SYN, "");
    put_s(e, TS, 1, TCP_ACK, "0123");
    put_s(e, TS, 11, TCP_ACK, "ABCDE"); /* held [11,16) */
    put_s(e, TS, 8, TCP_ACK, "xyzQQ");  /* [8,13): fills 8..10, A,B stay */
    put_s(e, TS, 14, TCP_ACK, "RRwv");  /* [14,18): D,E stay, fills 16,17 */
    assert_int_equal(ctr(e->pool, "overlaps"), 2);
    assert_int_equal(ctr(e->pool, "overlaps.different"), 2);
    put_s(e, TS, 3, TCP_ACK, "##456"); /* in order from 5; 3,4 delivered already */
    assert_out(e, TS, "0123456xyzABCDEwv");
    assert_int_equal(ctr(e->pool, "overlaps"), 3);
    /* In-order packet running over a held segment and beyond it. */
    put_s(e, TS, 21, TCP_ACK, "mn");      /* held [21,23) */
    put_s(e, TS, 18, TCP_ACK, "ijkMNop"); /* [18,25): m,n from the held copy */
    assert_out(e, TS, "0123456xyzABCDEwvijkmnop");
    assert_int_equal(ctr(e->pool, "overlaps.different"), 3);
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    env_free(e);
}

static void test_sequence_wrap(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TC, 0xfffffff9u, TCP_SYN | TCP_ACK, ""); /* next byte 0xfffffffa */
    put_s(e, TC, 0xfffffffau, TCP_ACK, "abc");
    put_s(e, TC, 2, TCP_ACK, "ijk");             /* after the wrap, held */
    put_s(e, TC, 0xfffffffdu, TCP_ACK, "defgh"); /* crosses 0 */
    put_s(e, TC, 0xfffffff0u, TCP_ACK, "old");   /* before: old */
    assert_out(e, TC, "abcdefghijk");
    assert_int_equal(ctr(e->pool, "retransmissions"), 1);
    assert_int_equal(ctr(e->pool, "gaps"), 0);
    env_free(e);
}

static void test_syn_with_data(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 5000, TCP_SYN, "GET /"); /* TCP Fast Open: data from ISN+1 */
    put_s(e, TS, 5000, TCP_SYN, "GET /"); /* SYN retransmitted */
    put_s(e, TS, 5006, TCP_ACK, " HTTP/1.1");
    assert_out(e, TS, "GET / HTTP/1.1");
    assert_int_equal(ctr(e->pool, "retransmissions"), 1);
    assert_int_equal(ctr(e->pool, "midstream"), 0);
    env_free(e);
}

/* A SYN-ACK that acknowledges something else than the client's SYN (here
 * a mirror mixing in another connection's answer) is passed over: it must
 * neither set the server's sequence space nor acknowledge client bytes. */
static void test_foreign_synack_ignored(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    struct packet p = test_seg(1000, TCP_SYN, 0, NULL, 0);
    tcp_stream_segment(e->pool, &e->s, (enum flow_dir)TS, &p, &e->sink);
    p = test_seg(7000, TCP_SYN | TCP_ACK, 555555, NULL, 0); /* not ours */
    tcp_stream_segment(e->pool, &e->s, (enum flow_dir)TC, &p, &e->sink);
    p = test_seg(9000, TCP_SYN | TCP_ACK, 1001, NULL, 0); /* ours */
    tcp_stream_segment(e->pool, &e->s, (enum flow_dir)TC, &p, &e->sink);
    put_s(e, TS, 1001, TCP_ACK, "hello");
    put_s(e, TC, 9001, TCP_ACK, "world");
    assert_out(e, TS, "hello");
    assert_out(e, TC, "world");
    assert_int_equal(ctr(e->pool, "synack_ignored"), 1);
    assert_int_equal(ctr(e->pool, "gaps"), 0);
    /* Fast Open data refused: the SYN-ACK acknowledges only the ISN. */
    struct env *f = env_new(0, 0);
    put_s(f, TS, 5000, TCP_SYN, "GET /");
    p = test_seg(800, TCP_SYN | TCP_ACK, 5001, NULL, 0);
    tcp_stream_segment(f->pool, &f->s, (enum flow_dir)TC, &p, &f->sink);
    assert_int_equal(ctr(f->pool, "synack_ignored"), 0);
    put_s(f, TC, 801, TCP_ACK, "ok");
    assert_out(f, TC, "ok");
    env_free(f);
    env_free(e);
}

static void test_midstream(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TC, 70000, TCP_ACK, "");           /* pure ACK: no base yet */
    put_s(e, TC, 70010, TCP_ACK, "tail");       /* first data: the base */
    put_s(e, TC, 70000, TCP_ACK, "0123456789"); /* before the base: old */
    put_s(e, TC, 70014, TCP_ACK | TCP_PSH, "!");
    assert_out(e, TC, "tail!");
    assert_int_equal(ctr(e->pool, "midstream"), 1);
    assert_int_equal(ctr(e->pool, "retransmissions"), 1);
    env_free(e);
}

static void test_ack_gap(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 100, TCP_SYN, "");
    put_s(e, TC, 900, TCP_SYN | TCP_ACK, "");
    put_s(e, TS, 101, TCP_ACK, "abc");
    /* [104,110) lost by the capture; [110,113) held; the server ACKs 116. */
    put_s(e, TS, 110, TCP_ACK, "jkl");
    ack(e, TC, 901, 104); /* nothing missing yet */
    assert_int_equal(ctr(e->pool, "gaps"), 0);
    ack(e, TC, 901, 104u + (3u << 30)); /* garbage: ignored */
    ack(e, TC, 901, 50);                /* behind: ignored */
    assert_int_equal(ctr(e->pool, "gaps"), 0);
    ack(e, TC, 901, 116);
    assert_out(e, TS, "abc######jkl###");
    assert_int_equal(e->rec.d[TS].gap_calls, 2);
    assert_int_equal(ctr(e->pool, "gap_bytes"), 9);
    put_s(e, TS, 113, TCP_ACK, "mno"); /* late: already given up */
    put_s(e, TS, 116, TCP_ACK | TCP_FIN, "p");
    assert_out(e, TS, "abc######jkl###p");
    ack(e, TC, 901, 118); /* FIN acknowledged: no gap for it */
    assert_int_equal(ctr(e->pool, "gaps"), 2);
    env_free(e);
}

static void test_depth_gap(void **state)
{
    (void)state;
    struct env *e = env_new(0, 10);
    put_s(e, TS, 0, TCP_SYN, "");
    put_s(e, TS, 1, TCP_ACK, "ab");
    put_s(e, TS, 5, TCP_ACK, "efgh");  /* held 4 */
    put_s(e, TS, 11, TCP_ACK, "klmn"); /* held 8 */
    put_s(e, TS, 17, TCP_ACK, "qrs");  /* 11 > 10: give up [3,5) */
    assert_int_equal(ctr(e->pool, "depth_reached"), 1);
    assert_out(e, TS, "ab##efgh");
    put_s(e, TS, 9, TCP_ACK, "ijXX"); /* fills [9,11), k,l stay */
    assert_out(e, TS, "ab##efghijklmn");
    /* One segment larger than the depth: the hole before it goes. */
    static const char big[] = "0123456789abcdef";
    put_s(e, TS, 30, TCP_ACK, big);
    assert_int_equal(ctr(e->pool, "depth_reached"), 2);
    assert_out(e, TS, "ab##efghijklmn##qrs##########0123456789abcdef");
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    env_free(e);
}

static void test_memcap_two_flows(void **state)
{
    (void)state;
    struct env *a = env_new(2 * CHUNK, 0);
    /* A second stream sharing a's pool. */
    struct tcp_stream b;
    tcp_stream_init(&b);
    struct rec rb = {0};
    struct tcp_stream_sink sb = {rec_data, rec_gap, &rb};
    put_s(a, TS, 0, TCP_SYN, "");
    put_s(a, TS, 10, TCP_ACK, "x");
    put_s(a, TS, 20, TCP_ACK, "y"); /* two chunks: the pool is full */
    assert_int_equal(ctr(a->pool, "memory.used"), 2 * CHUNK);
    struct packet p = test_seg(0, TCP_SYN, 0, NULL, 0);
    tcp_stream_segment(a->pool, &b, FLOW_TOSERVER, &p, &sb);
    p = test_seg(5, TCP_ACK, 0, "late", 4); /* out of order, no room */
    tcp_stream_segment(a->pool, &b, FLOW_TOSERVER, &p, &sb);
    assert_int_equal(ctr(a->pool, "memcap_reached"), 1);
    assert_int_equal(rb.d[TS].gap_bytes, 4);
    assert_int_equal(rb.d[TS].len, 8);
    assert_memory_equal(rb.d[TS].buf + 4, "late", 4);
    tcp_stream_release(a->pool, &b);
    /* a releases, and b can hold again. */
    tcp_stream_release(a->pool, &a->s);
    assert_int_equal(ctr(a->pool, "memory.used"), 0);
    assert_int_equal(ctr(a->pool, "memory.max"), 2 * CHUNK);
    assert_true(ctr(a->pool, "memory.reserved") <= 2 * CHUNK);
    p = test_seg(20, TCP_ACK, 0, "z", 1);
    tcp_stream_segment(a->pool, &b, FLOW_TOSERVER, &p, &sb);
    assert_int_equal(ctr(a->pool, "memory.used"), CHUNK);
    assert_int_equal(ctr(a->pool, "memcap_reached"), 1);
    tcp_stream_release(a->pool, &b);
    rec_free(&rb);
    env_free(a);
}

static void test_flush_with_holes(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 0, TCP_SYN, "");
    put_s(e, TC, 50, TCP_SYN | TCP_ACK, "");
    put_s(e, TS, 1, TCP_ACK, "ab");
    put_s(e, TS, 5, TCP_ACK, "ef");
    put_s(e, TS, 9, TCP_ACK, "ij");
    put_s(e, TS, 12, TCP_ACK | TCP_FIN, "lm"); /* FIN at 14 */
    put_s(e, TC, 53, TCP_ACK, "zz");           /* toclient: hole of 2 */
    tcp_stream_flush(e->pool, &e->s, &e->sink);
    assert_out(e, TS, "ab##ef##ij#lm");
    assert_out(e, TC, "##zz");
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    tcp_stream_flush(e->pool, &e->s, &e->sink); /* idempotent */
    assert_out(e, TS, "ab##ef##ij#lm");
    env_free(e);
}

static void test_flush_gap_to_fin(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 0, TCP_SYN, "");
    put_s(e, TS, 1, TCP_ACK, "ab");
    put_s(e, TS, 6, TCP_ACK | TCP_FIN, ""); /* FIN at 6: [3,6) never seen */
    tcp_stream_flush(e->pool, &e->s, &e->sink);
    assert_out(e, TS, "ab###");
    env_free(e);
}

static void test_stop(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 0, TCP_SYN, "");
    put_s(e, TC, 0, TCP_SYN | TCP_ACK, "");
    put_s(e, TS, 1, TCP_ACK, "ab");
    put_s(e, TS, 7, TCP_ACK, "gh");
    tcp_stream_stop(e->pool, &e->s, FLOW_TOSERVER);
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    put_s(e, TS, 3, TCP_ACK, "cdef");
    put_s(e, TC, 1, TCP_ACK, "ok");
    ack(e, TC, 3, 100); /* no gaps for a stopped direction */
    tcp_stream_flush(e->pool, &e->s, &e->sink);
    assert_out(e, TS, "ab");
    assert_out(e, TC, "ok");
    env_free(e);
}

/* The parser stops its direction from inside the callback, midway through
 * draining held segments: nothing more arrives, nothing leaks. */
static void test_stop_from_callback(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    e->rec.stop_after[TS] = 4;
    put_s(e, TS, 0, TCP_SYN, "");
    put_s(e, TS, 3, TCP_ACK, "cd");
    put_s(e, TS, 5, TCP_ACK | TCP_PSH, "ef"); /* coalesced into one chunk */
    put_s(e, TS, 9, TCP_ACK, "ij");
    put_s(e, TS, 1, TCP_ACK, "ab");
    assert_out(e, TS, "abcdef"); /* stop at 4 is seen after "cdef" */
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    put_s(e, TS, 7, TCP_ACK, "gh");
    tcp_stream_flush(e->pool, &e->s, &e->sink);
    assert_out(e, TS, "abcdef");
    env_free(e);
}

static void test_fin_then_data(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 0, TCP_SYN, "");
    put_s(e, TS, 8, TCP_ACK, "hijk");          /* held [8,12) */
    put_s(e, TS, 1, TCP_ACK | TCP_FIN, "abc"); /* FIN at 4: held bytes trimmed */
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    put_s(e, TS, 4, TCP_ACK, "dd");               /* beyond the FIN */
    put_s(e, TS, 3, TCP_ACK, "cX");               /* straddles: c old, X beyond */
    put_s(e, TS, 1, TCP_ACK | TCP_FIN, "abcdef"); /* a later FIN does not move it */
    assert_out(e, TS, "abc");
    assert_int_equal(ctr(e->pool, "after_fin"), 4);
    tcp_stream_flush(e->pool, &e->s, &e->sink);
    assert_out(e, TS, "abc");
    env_free(e);
}

static void test_rst(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 0, TCP_SYN, "");
    put_s(e, TC, 0, TCP_SYN | TCP_ACK, "");
    put_s(e, TS, 1, TCP_ACK, "ab");
    put_s(e, TS, 5, TCP_ACK, "ef");
    put_s(e, TC, 1, TCP_ACK, "xy");
    put_s(e, TC, 2, TCP_RST, ""); /* behind toclient's next byte: ignored */
    assert_int_equal(ctr(e->pool, "rst_ignored"), 1);
    put_s(e, TC, 3, TCP_RST | TCP_ACK, "diagnostic");
    assert_out(e, TS, "ab##ef"); /* held data flushed */
    assert_out(e, TC, "xy");
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    put_s(e, TS, 3, TCP_ACK, "cd");
    put_s(e, TC, 3, TCP_ACK, "zz");
    assert_int_equal(ctr(e->pool, "after_rst"), 2);
    assert_out(e, TS, "ab##ef");
    env_free(e);
}

static void test_fin_trims_held(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 0, TCP_SYN, "");
    put_s(e, TS, 1, TCP_ACK, "ab");
    put_s(e, TS, 5, TCP_ACK, "efgh");       /* held [5,9) */
    put_s(e, TS, 12, TCP_ACK, "lm");        /* held [12,14) */
    put_s(e, TS, 7, TCP_ACK | TCP_FIN, ""); /* FIN at 7: keeps e,f only */
    assert_int_equal(ctr(e->pool, "after_fin"), 1);
    assert_int_equal(ctr(e->pool, "memory.used"), CHUNK);
    put_s(e, TS, 3, TCP_ACK, "cdEFGH"); /* fills c,d; e,f held; G,H beyond */
    assert_out(e, TS, "abcdef");
    assert_int_equal(ctr(e->pool, "after_fin"), 2);
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    env_free(e);
}

static void test_out_of_window(void **state)
{
    (void)state;
    struct env *e = env_new(0, 0);
    put_s(e, TS, 0, TCP_SYN, "");
    put_s(e, TS, 1u + (1u << 30) + 1u, TCP_ACK, "far");  /* beyond 1 GiB: garbage */
    put_s(e, TS, 1u + (1u << 30) - 3u, TCP_ACK, "near"); /* within: held */
    assert_int_equal(ctr(e->pool, "out_of_window"), 1);
    assert_int_equal(ctr(e->pool, "segments.out_of_order"), 1);
    put_s(e, TS, 1, TCP_ACK | TCP_FIN, "a"); /* FIN at 2 trims the held bytes */
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    tcp_stream_flush(e->pool, &e->s, &e->sink);
    assert_out(e, TS, "a");
    env_free(e);
}

/* --- property test: random split, shuffle, duplicate, drop --- */

static uint64_t rnd_state;
static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (uint32_t)(rnd_state >> 16);
}

struct piece {
    uint32_t off, len;
    int is_dropped; /* lost by the capture, though the receiver got it */
};

/* Cuts orig into n pieces, each dropped (1/50), sent twice (1/20), or
 * followed by a re-cut overlapping copy (1/20); then swaps neighbours up to
 * `spread` apart. sent[] marks the bytes the stream is fed. */
static size_t make_script(struct piece *out, size_t max, size_t n, uint32_t total, uint8_t *sent,
                          unsigned spread)
{
    size_t k = 0;
    uint32_t off = 0;
    for (size_t i = 0; i < n && off < total && k + 2 < max; i++) {
        uint32_t len = 1 + rnd() % (rnd() % 100 == 0 ? 5000 : 300);
        if (len > total - off || i == n - 1)
            len = total - off;
        unsigned r = rnd() % 100;
        out[k++] = (struct piece){off, len, r < 2};
        if (r >= 2)
            memset(sent + off, 1, len);
        if (r >= 2 && r < 7)
            out[k++] = (struct piece){off, len, 0};
        if (r >= 7 && r < 12 && len > 2) {
            uint32_t a = rnd() % len, b = a + 1 + rnd() % (len - a);
            out[k++] = (struct piece){off + a, b - a, 0};
        }
        off += len;
    }
    for (size_t i = 0; i + 1 < k; i++) {
        size_t j = i + rnd() % spread;
        if (j < k) {
            struct piece t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
    }
    return k;
}

/* Feeds the script toserver; every 10 pieces the server acknowledges what
 * it has received in full (dropped pieces included), so capture losses turn
 * into ACK-driven gaps. Then FIN, flush, and the byte-for-byte check. */
static void run_property(uint64_t seed, size_t memcap, uint32_t depth, unsigned spread,
                         int is_strict)
{
    enum { N = 10000, MAXP = 3 * N };
    rnd_state = seed;
    uint32_t total = 1200000;
    uint8_t *orig = malloc(total), *sent = calloc(1, total), *arrived = calloc(1, total);
    struct piece *script = malloc(MAXP * sizeof(*script));
    assert_true(orig && sent && arrived && script);
    for (uint32_t i = 0; i < total; i++)
        orig[i] = (uint8_t)rnd();
    size_t k = make_script(script, MAXP, N, total, sent, spread);
    struct env *e = env_new(memcap, depth);
    uint32_t isn = 0xffffffffu - total / 2, cum = 0; /* the stream crosses 2^32 */
    put(e, TS, isn, TCP_SYN, NULL, 0);
    for (size_t i = 0; i < k; i++) {
        if (!script[i].is_dropped)
            put(e, TS, isn + 1 + script[i].off, TCP_ACK, orig + script[i].off, script[i].len);
        memset(arrived + script[i].off, 1, script[i].len);
        if (i % 10 == 9) {
            while (cum < total && arrived[cum])
                cum++;
            ack(e, TC, 1, isn + 1 + cum);
        }
    }
    put(e, TS, isn + 1 + total, TCP_ACK | TCP_FIN, NULL, 0);
    assert_true(ctr(e->pool, "memory.max") <= (memcap ? memcap : 64u << 20));
    tcp_stream_flush(e->pool, &e->s, &e->sink);
    const struct rec_dir *r = &e->rec.d[TS];
    assert_int_equal(r->len, total);
    size_t lost = 0, mismatch = 0, gap_sent = 0, unsent = 0;
    for (uint32_t i = 0; i < total; i++) {
        unsent += !sent[i];
        if (r->is_gap[i]) {
            gap_sent += sent[i];
            continue;
        }
        mismatch += r->buf[i] != orig[i];
        lost += !sent[i]; /* delivered a byte never sent: impossible */
    }
    assert_int_equal(mismatch, 0);
    assert_int_equal(lost, 0);
    assert_int_equal(r->gap_bytes, ctr(e->pool, "gap_bytes"));
    assert_true(unsent > 0);
    if (is_strict) {
        /* Within the caps exactly the bytes never sent are gaps. */
        assert_int_equal(ctr(e->pool, "depth_reached"), 0);
        assert_int_equal(ctr(e->pool, "memcap_reached"), 0);
        assert_int_equal(gap_sent, 0);
        assert_int_equal(r->gap_bytes, unsent);
        assert_true(ctr(e->pool, "retransmissions") > 0);
        assert_true(ctr(e->pool, "overlaps") > 0);
        assert_int_equal(ctr(e->pool, "overlaps.different"), 0);
    } else {
        assert_true(ctr(e->pool, "depth_reached") + ctr(e->pool, "memcap_reached") > 0);
    }
    assert_int_equal(ctr(e->pool, "memory.used"), 0);
    env_free(e);
    free(orig);
    free(sent);
    free(arrived);
    free(script);
}

static void test_property_random(void **state)
{
    (void)state;
    run_property(0x9e3779b97f4a7c15u, 0, 0, 30, 1);
    run_property(0x243f6a8885a308d3u, 0, 0, 8, 1);
    /* Tight caps: gaps appear, but what is delivered is still exact. */
    run_property(0x13198a2e03707344u, 0, 16384, 200, 0);
    run_property(0xa4093822299f31d0u, 8 * CHUNK, 0, 200, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_reversed),
        cmocka_unit_test(test_permutations),
        cmocka_unit_test(test_retransmission_first_wins),
        cmocka_unit_test(test_partial_overlaps),
        cmocka_unit_test(test_sequence_wrap),
        cmocka_unit_test(test_syn_with_data),
        cmocka_unit_test(test_midstream),
        cmocka_unit_test(test_foreign_synack_ignored),
        cmocka_unit_test(test_ack_gap),
        cmocka_unit_test(test_depth_gap),
        cmocka_unit_test(test_memcap_two_flows),
        cmocka_unit_test(test_flush_with_holes),
        cmocka_unit_test(test_flush_gap_to_fin),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_stop_from_callback),
        cmocka_unit_test(test_fin_then_data),
        cmocka_unit_test(test_rst),
        cmocka_unit_test(test_fin_trims_held),
        cmocka_unit_test(test_out_of_window),
        cmocka_unit_test(test_property_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
