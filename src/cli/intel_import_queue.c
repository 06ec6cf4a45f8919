/* intel_import_queue.c — slabs of copied records between the reading and
 * the storing thread of `hradba intel import` (intel_import_queue.h).
 *
 * One mutex and one condition variable: the reader waits for a free slab,
 * the writer for a full one. Slabs are reused, so a run allocates at most
 * INTEL_IMPORT_QUEUE_SLABS of them, plus one per record too large for a slab.
 */
#include "cli/intel_import_queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct intel_import_queue {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    struct intel_import_slab *ready, *ready_tail; /* full slabs, in order */
    struct intel_import_slab *spare;              /* standard slabs for reuse */
    struct intel_import_slab *cur;                /* the reader's slab being filled */
    size_t standard_count;                        /* standard slabs allocated */
    size_t in_use;                                /* slabs out of the spare list */
    bool is_closed;
    atomic_bool is_cancelled; /* written under the lock, read without it by the reader */
};

struct intel_import_queue *intel_import_queue_new(void)
{
    struct intel_import_queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    if (pthread_mutex_init(&q->mu, NULL) != 0) {
        free(q);
        return NULL;
    }
    if (pthread_cond_init(&q->changed, NULL) != 0) {
        pthread_mutex_destroy(&q->mu);
        free(q);
        return NULL;
    }
    return q;
}

static void free_list(struct intel_import_slab *s)
{
    while (s) {
        struct intel_import_slab *next = s->next;
        free(s);
        s = next;
    }
}

void intel_import_queue_free(struct intel_import_queue *q)
{
    if (!q)
        return;
    free_list(q->ready);
    free_list(q->spare);
    free(q->cur);
    pthread_cond_destroy(&q->changed);
    pthread_mutex_destroy(&q->mu);
    free(q);
}

void intel_import_queue_open(struct intel_import_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->is_closed = false;
    atomic_store(&q->is_cancelled, false);
    pthread_mutex_unlock(&q->mu);
}

/* One allocation: the header, the items, then the bytes. */
static struct intel_import_slab *slab_new(size_t bytes_cap)
{
    size_t items = INTEL_IMPORT_QUEUE_SLAB_ITEMS * sizeof(struct intel_import_item);
    size_t head = (sizeof(struct intel_import_slab) + alignof(max_align_t) - 1) /
                  alignof(max_align_t) * alignof(max_align_t);
    size_t total = head + items + bytes_cap;
    struct intel_import_slab *s = malloc(total);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->items = (void *)((char *)s + head); /* head is rounded to max_align_t */
    s->bytes = (char *)s->items + items;
    s->bytes_cap = bytes_cap;
    return s;
}

static bool is_standard(const struct intel_import_slab *s)
{
    return s->bytes_cap == INTEL_IMPORT_QUEUE_SLAB_BYTES;
}

/* Under the lock: hands a slab back to the spare list (or frees it). */
static void release(struct intel_import_queue *q, struct intel_import_slab *s)
{
    q->in_use--;
    if (is_standard(s)) {
        s->count = 0;
        s->bytes_used = 0;
        s->next = q->spare;
        q->spare = s;
    } else {
        free(s);
    }
    pthread_cond_broadcast(&q->changed);
}

/* A slab with room for need bytes; waits while the queue is full. NULL
 * when cancelled (*rc -ECANCELED) or out of memory (*rc -ENOMEM). */
static struct intel_import_slab *acquire(struct intel_import_queue *q, size_t need, int *rc)
{
    bool is_large = need > INTEL_IMPORT_QUEUE_SLAB_BYTES;
    struct intel_import_slab *s = NULL;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        if (q->is_cancelled) {
            *rc = -ECANCELED;
            break;
        }
        if (!is_large && q->spare) {
            s = q->spare;
            q->spare = s->next;
        } else if (!is_large && q->standard_count < INTEL_IMPORT_QUEUE_SLABS) {
            if ((s = slab_new(INTEL_IMPORT_QUEUE_SLAB_BYTES)) != NULL)
                q->standard_count++;
        } else if (is_large && q->in_use == 0) {
            s = slab_new(need);
        } else {
            pthread_cond_wait(&q->changed, &q->mu);
            continue;
        }
        if (!s)
            *rc = -ENOMEM;
        break;
    }
    if (s) {
        s->next = NULL;
        q->in_use++;
    }
    pthread_mutex_unlock(&q->mu);
    return s;
}

/* Under the lock: appends a full slab for the writer. */
static void hand_over(struct intel_import_queue *q, struct intel_import_slab *s)
{
    s->next = NULL;
    if (q->ready_tail)
        q->ready_tail->next = s;
    else
        q->ready = s;
    q->ready_tail = s;
    pthread_cond_broadcast(&q->changed);
}

/* The reader's slab with room for one more item of need bytes. */
static struct intel_import_slab *room(struct intel_import_queue *q, size_t need, int *rc)
{
    struct intel_import_slab *s = q->cur;
    if (s && s->count < INTEL_IMPORT_QUEUE_SLAB_ITEMS && s->bytes_cap - s->bytes_used >= need)
        return s;
    if (s) {
        pthread_mutex_lock(&q->mu);
        hand_over(q, s);
        pthread_mutex_unlock(&q->mu);
        q->cur = NULL;
    }
    q->cur = acquire(q, need, rc);
    return q->cur;
}

/* Bytes for a string (0 for NULL) and its copy in the slab. */
static size_t need_str(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static const char *copy_str(struct intel_import_slab *s, const char *text)
{
    if (!text)
        return NULL;
    size_t n = strlen(text) + 1;
    char *out = s->bytes + s->bytes_used;
    memcpy(out, text, n);
    s->bytes_used += n;
    return out;
}

#define RELATED_FIELDS(r)                                                                          \
    (r)->type, (r)->stix_id, (r)->name, (r)->external_id, (r)->aliases, (r)->relationship

int intel_import_queue_put_indicator(struct intel_import_queue *q,
                                     const struct intel_indicator *ind)
{
    const char *strs[] = {ind->stix_id,
                          ind->source,
                          ind->name,
                          ind->description,
                          ind->pattern,
                          ind->pattern_type,
                          ind->indicator_types,
                          ind->kill_chain_phases,
                          ind->object_json};
    size_t need = alignof(max_align_t) + ind->related_count * sizeof(struct intel_related);
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        need += need_str(strs[i]);
    for (size_t k = 0; k < ind->related_count; k++) {
        const struct intel_related *r = &ind->related[k];
        const char *rs[] = {RELATED_FIELDS(r)};
        for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++)
            need += need_str(rs[i]);
    }
    if (atomic_load_explicit(&q->is_cancelled, memory_order_relaxed))
        return -ECANCELED; /* the writer stopped: so does the reader, at once */
    int rc = 0;
    struct intel_import_slab *s = room(q, need, &rc);
    if (!s)
        return rc;
    struct intel_import_item *it = &s->items[s->count++];
    it->kind = INTEL_IMPORT_ITEM_INDICATOR;
    struct intel_indicator *o = &it->u.ind;
    *o = *ind;
    size_t align = alignof(max_align_t);
    s->bytes_used = (s->bytes_used + align - 1) / align * align;
    struct intel_related *rel = (struct intel_related *)(void *)(s->bytes + s->bytes_used);
    s->bytes_used += ind->related_count * sizeof *rel;
    for (size_t k = 0; k < ind->related_count; k++) {
        const struct intel_related *r = &ind->related[k];
        rel[k].type = copy_str(s, r->type);
        rel[k].stix_id = copy_str(s, r->stix_id);
        rel[k].name = copy_str(s, r->name);
        rel[k].external_id = copy_str(s, r->external_id);
        rel[k].aliases = copy_str(s, r->aliases);
        rel[k].relationship = copy_str(s, r->relationship);
    }
    o->related = ind->related_count ? rel : NULL;
    o->stix_id = copy_str(s, ind->stix_id);
    o->source = copy_str(s, ind->source);
    o->name = copy_str(s, ind->name);
    o->description = copy_str(s, ind->description);
    o->pattern = copy_str(s, ind->pattern);
    o->pattern_type = copy_str(s, ind->pattern_type);
    o->indicator_types = copy_str(s, ind->indicator_types);
    o->kill_chain_phases = copy_str(s, ind->kill_chain_phases);
    o->object_json = copy_str(s, ind->object_json);
    return 0;
}

int intel_import_queue_put_error(struct intel_import_queue *q, const struct intel_import_error *e)
{
    size_t need = need_str(e->path) + need_str(e->object_id) + need_str(e->message);
    int rc = 0;
    struct intel_import_slab *s = room(q, need, &rc);
    if (!s)
        return rc;
    struct intel_import_item *it = &s->items[s->count++];
    it->kind = INTEL_IMPORT_ITEM_ERROR;
    it->u.err = *e;
    it->u.err.path = copy_str(s, e->path);
    it->u.err.object_id = copy_str(s, e->object_id);
    it->u.err.message = copy_str(s, e->message);
    return 0;
}

void intel_import_queue_close(struct intel_import_queue *q)
{
    pthread_mutex_lock(&q->mu);
    if (q->cur && q->cur->count)
        hand_over(q, q->cur);
    else if (q->cur)
        release(q, q->cur);
    q->cur = NULL;
    q->is_closed = true;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->mu);
}

struct intel_import_slab *intel_import_queue_take(struct intel_import_queue *q)
{
    struct intel_import_slab *s = NULL;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (q->is_cancelled && q->ready) {
            struct intel_import_slab *drop = q->ready;
            q->ready = drop->next;
            release(q, drop);
        }
        if (!q->ready)
            q->ready_tail = NULL;
        if (q->ready || q->is_closed)
            break;
        pthread_cond_wait(&q->changed, &q->mu);
    }
    if (q->ready) {
        s = q->ready;
        q->ready = s->next;
        if (!q->ready)
            q->ready_tail = NULL;
        s->next = NULL;
    }
    pthread_mutex_unlock(&q->mu);
    return s;
}

void intel_import_queue_give_back(struct intel_import_queue *q, struct intel_import_slab *s)
{
    pthread_mutex_lock(&q->mu);
    release(q, s);
    pthread_mutex_unlock(&q->mu);
}

void intel_import_queue_cancel(struct intel_import_queue *q)
{
    pthread_mutex_lock(&q->mu);
    atomic_store(&q->is_cancelled, true);
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->mu);
}
