/* flow_tcp.c — TCP handshake and teardown as seen from the wire.
 *
 * RFC 793 states of the server endpoint, as Suricata reports them; flow
 * state follows (NEW until the handshake completes, CLOSED once both sides
 * sent FIN or either sent RST). Midstream pickups are trusted only once both
 * directions have been seen, so a stray ACK ages out on the short "new"
 * timeout instead of the long "established" one.
 */
#include "flow/flow_tcp.h"

#include <stdint.h>

static bool flow_tcp_has(const struct packet *p, uint8_t flags)
{
    return (p->tcp_flags & flags) == flags;
}

/* Whether p acknowledges the FIN recorded in f (any ACK when the FIN's
 * sequence number was lost to a simultaneous close). */
static bool flow_tcp_acks_fin(const struct flow *f, const struct packet *p)
{
    if (!(p->tcp_flags & TCP_ACK))
        return false;
    if (!f->tcp_has_fin_seq)
        return true;
    return (int32_t)(p->tcp_ack - f->tcp_fin_seq) >= 0;
}

static void flow_tcp_note_fin(struct flow *f, const struct packet *p)
{
    /* The FIN occupies one sequence number after the segment's payload. A
     * truncated capture under-counts the payload, which only makes the
     * acknowledgement test more lenient. */
    f->tcp_fin_seq = p->tcp_seq + p->payload_len + 1u;
    f->tcp_has_fin_seq = true;
}

/* Maps the TCP state onto the flow state; flow state never moves back. */
static void flow_tcp_sync(struct flow *f)
{
    switch ((enum flow_tcp_state)f->tcp_state) {
    case FLOW_TCP_CLOSED:
    case FLOW_TCP_TIME_WAIT:
    case FLOW_TCP_LAST_ACK:
    case FLOW_TCP_CLOSING:
        f->state = FLOW_STATE_CLOSED;
        break;
    case FLOW_TCP_ESTABLISHED:
    case FLOW_TCP_FIN_WAIT1:
    case FLOW_TCP_FIN_WAIT2:
    case FLOW_TCP_CLOSE_WAIT:
        if (f->state == FLOW_STATE_NEW && (!f->is_midstream || (f->pkts[0] && f->pkts[1])))
            f->state = FLOW_STATE_ESTABLISHED;
        break;
    case FLOW_TCP_NONE:
    case FLOW_TCP_SYN_SENT:
    case FLOW_TCP_SYN_RECV:
        break;
    }
}

/* FIN and FIN-acknowledgement steps of an open connection. */
static void flow_tcp_teardown(struct flow *f, enum flow_dir dir, const struct packet *p)
{
    bool is_fin = p->tcp_flags & TCP_FIN;
    bool from_client = dir == FLOW_TOSERVER;

    switch ((enum flow_tcp_state)f->tcp_state) {
    case FLOW_TCP_ESTABLISHED:
        if (is_fin) {
            f->tcp_state = from_client ? FLOW_TCP_CLOSE_WAIT : FLOW_TCP_FIN_WAIT1;
            flow_tcp_note_fin(f, p);
        }
        break;
    case FLOW_TCP_CLOSE_WAIT: /* client FIN pending; server closes next */
        if (is_fin && !from_client) {
            f->tcp_state = FLOW_TCP_LAST_ACK;
            flow_tcp_note_fin(f, p);
        }
        break;
    case FLOW_TCP_LAST_ACK: /* both FINs sent; server's pending */
        if (from_client && flow_tcp_acks_fin(f, p))
            f->tcp_state = FLOW_TCP_CLOSED;
        break;
    case FLOW_TCP_FIN_WAIT1: /* server FIN pending */
        if (!from_client)
            break;
        if (is_fin) {
            if (flow_tcp_acks_fin(f, p)) {
                f->tcp_state = FLOW_TCP_TIME_WAIT;
                flow_tcp_note_fin(f, p);
            } else {
                f->tcp_state = FLOW_TCP_CLOSING;
            }
        } else if (flow_tcp_acks_fin(f, p)) {
            f->tcp_state = FLOW_TCP_FIN_WAIT2;
        }
        break;
    case FLOW_TCP_FIN_WAIT2:
        if (from_client && is_fin) {
            f->tcp_state = FLOW_TCP_TIME_WAIT;
            flow_tcp_note_fin(f, p);
        }
        break;
    case FLOW_TCP_CLOSING: /* both FINs, neither acknowledged yet */
        if (from_client && flow_tcp_acks_fin(f, p)) {
            f->tcp_state = FLOW_TCP_TIME_WAIT;
            /* The client FIN's sequence number was not kept. */
            f->tcp_has_fin_seq = false;
        }
        break;
    case FLOW_TCP_TIME_WAIT: /* client FIN pending */
        if (!from_client && flow_tcp_acks_fin(f, p))
            f->tcp_state = FLOW_TCP_CLOSED;
        break;
    case FLOW_TCP_NONE:
    case FLOW_TCP_SYN_SENT:
    case FLOW_TCP_SYN_RECV:
    case FLOW_TCP_CLOSED:
        break;
    }
}

bool flow_tcp_first_from_server(const struct packet *p)
{
    return (p->flags & PACKET_HAS_TCP) && flow_tcp_has(p, TCP_SYN | TCP_ACK) &&
           !(p->tcp_flags & TCP_RST);
}

void flow_tcp_begin(struct flow *f, enum flow_dir dir, const struct packet *p)
{
    if (!(p->flags & PACKET_HAS_TCP)) {
        /* No header to judge by (truncated); the next full packet decides. */
        f->tcp_state = FLOW_TCP_NONE;
        f->is_client_guessed = true;
        return;
    }
    f->tcp_flags[dir] |= p->tcp_flags;
    uint8_t fl = p->tcp_flags;
    if (fl & TCP_RST) {
        f->tcp_state = FLOW_TCP_CLOSED;
    } else if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
        f->tcp_state = FLOW_TCP_SYN_SENT;
    } else if (fl & TCP_SYN) {
        f->tcp_state = FLOW_TCP_SYN_RECV;
    } else {
        /* Picked up mid-connection: the sender is our best guess of client. */
        f->tcp_state = FLOW_TCP_ESTABLISHED;
        flow_tcp_teardown(f, dir, p);
    }
    bool is_syn = (fl & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN;
    f->is_midstream = !is_syn;
    f->is_client_guessed = !is_syn;
    flow_tcp_sync(f);
}

void flow_tcp_update(struct flow *f, enum flow_dir dir, const struct packet *p)
{
    if (!(p->flags & PACKET_HAS_TCP))
        return;
    if (f->tcp_state == FLOW_TCP_NONE) {
        flow_tcp_begin(f, dir, p);
        return;
    }
    f->tcp_flags[dir] |= p->tcp_flags;
    uint8_t fl = p->tcp_flags;
    bool from_client = dir == FLOW_TOSERVER;

    if (fl & TCP_RST) {
        f->tcp_state = FLOW_TCP_CLOSED;
        flow_tcp_sync(f);
        return;
    }
    switch ((enum flow_tcp_state)f->tcp_state) {
    case FLOW_TCP_SYN_SENT:
        if (!from_client && flow_tcp_has(p, TCP_SYN | TCP_ACK)) {
            f->tcp_state = FLOW_TCP_SYN_RECV;
        } else if (!(fl & TCP_SYN) && (fl & TCP_ACK)) {
            /* The SYN-ACK was not captured (asymmetric route, loss). */
            f->tcp_state = FLOW_TCP_ESTABLISHED;
            flow_tcp_teardown(f, dir, p);
        }
        break;
    case FLOW_TCP_SYN_RECV:
        if (from_client && !(fl & TCP_SYN) && (fl & TCP_ACK)) {
            f->tcp_state = FLOW_TCP_ESTABLISHED;
            flow_tcp_teardown(f, dir, p);
        }
        break;
    default:
        flow_tcp_teardown(f, dir, p);
        break;
    }
    flow_tcp_sync(f);
}

bool flow_tcp_is_reuse(const struct flow *f, const struct packet *p)
{
    if (!(p->flags & PACKET_HAS_TCP))
        return false;
    if ((p->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN)
        return false;
    return f->tcp_state == FLOW_TCP_CLOSED || f->tcp_state == FLOW_TCP_TIME_WAIT;
}
