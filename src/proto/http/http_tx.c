/* http_tx.c — the pending-transaction queue and each transaction's string
 * store (see http_tx.h). */
#include "proto/http/http_tx.h"

#include <stdlib.h>
#include <string.h>

#include "proto/http/http_parser.h"

enum { HTTP_TX_STORE_MIN = 128 };

struct http_tx *http_tx_new(uint64_t tx_id)
{
    struct http_tx *tx = calloc(1, sizeof(*tx));
    if (tx)
        tx->tx_id = tx_id;
    return tx;
}

void http_tx_free(struct http_tx *tx)
{
    if (!tx)
        return;
    free(tx->store);
    free(tx);
}

size_t http_tx_mem(const struct http_tx *tx)
{
    return sizeof(*tx) + tx->store_cap;
}

void http_tx_queue_init(struct http_tx_queue *q)
{
    memset(q, 0, sizeof(*q));
}

void http_tx_queue_fini(struct http_tx_queue *q)
{
    struct http_tx *tx = q->head;
    while (tx) {
        struct http_tx *next = tx->next;
        http_tx_free(tx);
        tx = next;
    }
    memset(q, 0, sizeof(*q));
}

void http_tx_queue_push_back(struct http_tx_queue *q, struct http_tx *tx)
{
    tx->next = NULL;
    if (q->tail)
        q->tail->next = tx;
    else
        q->head = tx;
    q->tail = tx;
    q->count++;
    q->mem += http_tx_mem(tx);
}

void http_tx_queue_push_front(struct http_tx_queue *q, struct http_tx *tx)
{
    tx->next = q->head;
    q->head = tx;
    if (!q->tail)
        q->tail = tx;
    q->count++;
    q->mem += http_tx_mem(tx);
}

void http_tx_queue_unlink(struct http_tx_queue *q, struct http_tx *tx)
{
    struct http_tx *prev = NULL;
    for (struct http_tx *t = q->head; t; prev = t, t = t->next) {
        if (t != tx)
            continue;
        if (prev)
            prev->next = t->next;
        else
            q->head = t->next;
        if (q->tail == t)
            q->tail = prev;
        q->count--;
        q->mem -= http_tx_mem(t);
        t->next = NULL;
        return;
    }
}

struct http_tx *http_tx_queue_unanswered(const struct http_tx_queue *q)
{
    for (struct http_tx *t = q->head; t; t = t->next)
        if (!t->has_response)
            return t;
    return NULL;
}

/* Makes room for n more bytes, as far as the cap allows; returns the room. */
static size_t http_tx_reserve(struct http_tx_queue *q, struct http_tx *tx, size_t n)
{
    size_t want = (size_t)tx->store_len + n;
    if (want > HTTP_STORE_MAX)
        want = HTTP_STORE_MAX;
    if (want > tx->store_cap) {
        size_t cap = tx->store_cap ? tx->store_cap : HTTP_TX_STORE_MIN;
        while (cap < want) /* at most 7 doublings from 128 to 16384 */
            cap *= 2;
        if (cap > HTTP_STORE_MAX)
            cap = HTTP_STORE_MAX;
        char *s = realloc(tx->store, cap);
        if (s) {
            q->mem += cap - tx->store_cap;
            tx->store = s;
            tx->store_cap = (uint32_t)cap;
        }
    }
    return tx->store_cap - tx->store_len;
}

bool http_tx_set(struct http_tx_queue *q, struct http_tx *tx, enum http_field f,
                 struct http_bytes v)
{
    if (tx->field_set & (1u << f))
        return false;
    size_t room = http_tx_reserve(q, tx, v.len + 1);
    if (room == 0) {
        tx->is_truncated = true;
        return false;
    }
    size_t n = v.len < room - 1 ? v.len : room - 1;
    if (n < v.len)
        tx->is_truncated = true;
    if (n > 0)
        memcpy(tx->store + tx->store_len, v.p, n);
    tx->span[f].off = tx->store_len;
    tx->span[f].len = (uint32_t)n;
    tx->store[tx->store_len + n] = '\0';
    tx->store_len += (uint32_t)(n + 1);
    tx->field_set |= (uint16_t)(1u << f);
    tx->last_field = (uint8_t)f;
    return true;
}

void http_tx_set_hostname(struct http_tx_queue *q, struct http_tx *tx, struct http_bytes v)
{
    if (!http_tx_set(q, tx, HTTP_F_HOSTNAME, v))
        return;
    struct http_span *s = &tx->span[HTTP_F_HOSTNAME];
    char *h = tx->store + s->off;
    for (uint32_t i = 0; i < s->len; i++)
        if (h[i] >= 'A' && h[i] <= 'Z')
            h[i] = (char)(h[i] + ('a' - 'A'));
    while (s->len > 0 && h[s->len - 1] == '.')
        h[--s->len] = '\0';
}

void http_tx_fold(struct http_tx_queue *q, struct http_tx *tx, enum http_field f,
                  struct http_bytes v)
{
    struct http_span *s = &tx->span[f];
    if (!(tx->field_set & (1u << f)) || tx->last_field != f ||
        s->off + s->len + 1 != tx->store_len || v.len == 0)
        return;
    size_t room = http_tx_reserve(q, tx, v.len + 1);
    if (room < 2) {
        tx->is_truncated = true;
        return;
    }
    size_t k = v.len < room - 1 ? v.len : room - 1;
    if (k < v.len)
        tx->is_truncated = true;
    /* The field's NUL is the store's last byte: the space goes over it. */
    char *end = tx->store + s->off + s->len;
    end[0] = ' ';
    memcpy(end + 1, v.p, k);
    end[1 + k] = '\0';
    s->len += (uint32_t)(1 + k);
    tx->store_len += (uint32_t)(1 + k);
}

struct http_bytes http_tx_get(const struct http_tx *tx, enum http_field f)
{
    struct http_bytes b = {NULL, 0};
    if (tx->field_set & (1u << f)) {
        b.p = (const uint8_t *)tx->store + tx->span[f].off;
        b.len = tx->span[f].len;
    }
    return b;
}

static struct http_str http_tx_str(const struct http_tx *tx, enum http_field f)
{
    struct http_bytes b = http_tx_get(tx, f);
    struct http_str s = {(const char *)b.p, b.len};
    return s;
}

void http_tx_record(const struct http_tx *tx, struct http_record *r)
{
    memset(r, 0, sizeof(*r));
    r->tx_id = tx->tx_id;
    r->http_method = http_tx_str(tx, HTTP_F_METHOD);
    r->url = http_tx_str(tx, HTTP_F_URL);
    r->protocol = http_tx_str(tx, HTTP_F_PROTOCOL);
    if (!r->protocol.ptr)
        r->protocol = http_tx_str(tx, HTTP_F_RES_PROTOCOL);
    r->hostname = http_tx_str(tx, HTTP_F_HOSTNAME);
    r->has_port = tx->has_port;
    r->port = tx->port;
    r->http_user_agent = http_tx_str(tx, HTTP_F_USER_AGENT);
    r->http_refer = http_tx_str(tx, HTTP_F_REFERER);
    r->xff = http_tx_str(tx, HTTP_F_XFF);
    r->request_body_len = tx->request_body_len;
    r->has_request = tx->has_request;
    r->is_request_complete = tx->is_request_complete;
    r->has_response = tx->has_response;
    r->is_response_complete = tx->is_response_complete;
    r->status = tx->status;
    r->http_content_type = http_tx_str(tx, HTTP_F_CONTENT_TYPE);
    r->redirect = http_tx_str(tx, HTTP_F_LOCATION);
    r->length = tx->response_body_len;
    r->is_evicted = tx->is_evicted;
    r->is_truncated = tx->is_truncated;
}
