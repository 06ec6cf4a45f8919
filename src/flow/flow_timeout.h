/* flow_timeout.h — idle timeouts with one LRU list per timeout class.
 *
 * Internal to src/flow/. A flow sits on the list of its class (protocol x
 * state); every packet moves it to the tail, so each list is ordered by last
 * activity and expiry only ever looks at list heads: finding the due flows
 * costs O(due + classes). Packet times that step backwards leave a list
 * slightly out of order; a flow behind a newer head then expires late by at
 * most that step, never early. Flows are re-queued at most once per ~1 s
 * of their activity, so the order, expiry and LRU choice are exact to
 * within about a second.
 */
#ifndef HRADBA_FLOW_FLOW_TIMEOUT_H
#define HRADBA_FLOW_FLOW_TIMEOUT_H

#include <stdint.h>

#include "flow/flow.h"
#include "flow/flow_table.h"

enum flow_timeout_class {
    FLOW_CLASS_TCP_NEW,
    FLOW_CLASS_TCP_EST,
    FLOW_CLASS_TCP_CLOSED,
    FLOW_CLASS_UDP_NEW,
    FLOW_CLASS_UDP_EST,
    FLOW_CLASS_OTHER_NEW,
    FLOW_CLASS_OTHER_EST,
    FLOW_CLASS_COUNT,
    FLOW_CLASS_NONE = 0xff, /* struct flow.list_id of a flow on no list */
};

struct flow_timeout_list {
    struct flow *head; /* least recently active */
    struct flow *tail;
    uint64_t timeout_us;
};

struct flow_timeout {
    struct flow_timeout_list list[FLOW_CLASS_COUNT];
    /* No list head is due before this time; lets the per-packet call return
     * after one compare. Conservative: may be earlier than the real
     * earliest deadline, never later. */
    uint64_t next_due_us;
};

void flow_timeout_init(struct flow_timeout *to, const struct flow_config *cfg);

enum flow_timeout_class flow_timeout_class_of(const struct flow *f);

/* Call after every packet that touched f, once its state and last_us are
 * updated; prev_last_us is last_us before the packet (anything for a new
 * flow). Moves f to the tail of its class's list when its class changed,
 * it is new, or its activity entered a new ~1 s epoch; otherwise it stays
 * put (see flow_timeout.c for why that is safe). */
void flow_timeout_touch(struct flow_timeout *to, struct flow *f, uint64_t prev_last_us);

void flow_timeout_remove(struct flow_timeout *to, struct flow *f);

/* Whether f has been idle past its timeout at now_us. */
bool flow_timeout_is_expired(const struct flow_timeout *to, const struct flow *f, uint64_t now_us);

/* One flow that is due at now_us, or NULL when none is. The caller ends and
 * removes it, then asks again. */
struct flow *flow_timeout_next_due(struct flow_timeout *to, uint64_t now_us);

/* The least recently active flow over all lists (the eviction victim), or
 * NULL when no flow is listed. */
struct flow *flow_timeout_oldest(const struct flow_timeout *to);

#endif
