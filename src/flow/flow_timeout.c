/* flow_timeout.c — per-class LRU lists and idle expiry.
 *
 * Classes and defaults follow Suricata's shipped flow-timeouts (tcp new 60 s,
 * established 600 s, closed 60 s; udp and other new 30 s, established 300 s).
 * Emergency (shortened) timeouts are not implemented: under memory pressure
 * the table evicts instead.
 */
#include "flow/flow_timeout.h"

#include <stddef.h>

enum { FLOW_US_PER_S = 1000000, FLOW_TIMEOUT_EPOCH_SHIFT = 20 /* 2^20 us, about 1 s */ };

void flow_timeout_init(struct flow_timeout *to, const struct flow_config *cfg)
{
    const uint32_t secs[FLOW_CLASS_COUNT] = {
        [FLOW_CLASS_TCP_NEW] = cfg->tcp_new_timeout_s,
        [FLOW_CLASS_TCP_EST] = cfg->tcp_est_timeout_s,
        [FLOW_CLASS_TCP_CLOSED] = cfg->tcp_closed_timeout_s,
        [FLOW_CLASS_UDP_NEW] = cfg->udp_new_timeout_s,
        [FLOW_CLASS_UDP_EST] = cfg->udp_est_timeout_s,
        [FLOW_CLASS_OTHER_NEW] = cfg->other_new_timeout_s,
        [FLOW_CLASS_OTHER_EST] = cfg->other_est_timeout_s,
    };
    for (size_t i = 0; i < FLOW_CLASS_COUNT; i++) {
        to->list[i].head = NULL;
        to->list[i].tail = NULL;
        to->list[i].timeout_us = (uint64_t)secs[i] * FLOW_US_PER_S;
    }
    to->next_due_us = UINT64_MAX;
}

enum flow_timeout_class flow_timeout_class_of(const struct flow *f)
{
    bool is_new = f->state == FLOW_STATE_NEW;
    switch (f->key.proto) {
    case 6:
        if (f->state == FLOW_STATE_CLOSED)
            return FLOW_CLASS_TCP_CLOSED;
        return is_new ? FLOW_CLASS_TCP_NEW : FLOW_CLASS_TCP_EST;
    case 17:
        return is_new ? FLOW_CLASS_UDP_NEW : FLOW_CLASS_UDP_EST;
    default:
        return is_new ? FLOW_CLASS_OTHER_NEW : FLOW_CLASS_OTHER_EST;
    }
}

static uint64_t flow_timeout_deadline(uint64_t last_us, uint64_t timeout_us)
{
    return last_us > UINT64_MAX - timeout_us ? UINT64_MAX : last_us + timeout_us;
}

void flow_timeout_remove(struct flow_timeout *to, struct flow *f)
{
    if (f->list_id >= FLOW_CLASS_COUNT)
        return;
    struct flow_timeout_list *l = &to->list[f->list_id];
    if (f->lprev)
        f->lprev->lnext = f->lnext;
    else
        l->head = f->lnext;
    if (f->lnext)
        f->lnext->lprev = f->lprev;
    else
        l->tail = f->lprev;
    f->lprev = f->lnext = NULL;
    f->list_id = FLOW_CLASS_NONE;
}

void flow_timeout_touch(struct flow_timeout *to, struct flow *f, uint64_t prev_last_us)
{
    enum flow_timeout_class c = flow_timeout_class_of(f);
    /* Moving a flow touches its list neighbours, two cache misses on a big
     * table. A flow already on the right list whose activity stays in the
     * same ~1 s epoch keeps its place: lists stay ordered to within one
     * epoch, which delays an expiry or skews LRU choice by at most that. */
    if (f->list_id == c &&
        (f->last_us >> FLOW_TIMEOUT_EPOCH_SHIFT) == (prev_last_us >> FLOW_TIMEOUT_EPOCH_SHIFT))
        return;
    struct flow_timeout_list *l = &to->list[c];
    if (l->tail == f)
        return; /* already last */
    flow_timeout_remove(to, f);
    f->lprev = l->tail;
    f->lnext = NULL;
    if (l->tail)
        l->tail->lnext = f;
    else
        l->head = f;
    l->tail = f;
    f->list_id = (uint8_t)c;
    uint64_t due = flow_timeout_deadline(f->last_us, l->timeout_us);
    if (due < to->next_due_us)
        to->next_due_us = due;
}

bool flow_timeout_is_expired(const struct flow_timeout *to, const struct flow *f, uint64_t now_us)
{
    enum flow_timeout_class c = flow_timeout_class_of(f);
    return flow_timeout_deadline(f->last_us, to->list[c].timeout_us) <= now_us;
}

struct flow *flow_timeout_next_due(struct flow_timeout *to, uint64_t now_us)
{
    if (now_us < to->next_due_us)
        return NULL;
    uint64_t next = UINT64_MAX;
    for (size_t i = 0; i < FLOW_CLASS_COUNT; i++) {
        struct flow *h = to->list[i].head;
        if (!h)
            continue;
        uint64_t due = flow_timeout_deadline(h->last_us, to->list[i].timeout_us);
        if (due <= now_us)
            return h; /* next_due_us stays: the caller comes back */
        if (due < next)
            next = due;
    }
    to->next_due_us = next;
    return NULL;
}

struct flow *flow_timeout_oldest(const struct flow_timeout *to)
{
    struct flow *oldest = NULL;
    for (size_t i = 0; i < FLOW_CLASS_COUNT; i++) {
        struct flow *h = to->list[i].head;
        if (h && (!oldest || h->last_us < oldest->last_us))
            oldest = h;
    }
    return oldest;
}
