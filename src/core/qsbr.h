/* qsbr.h — one shared pointer that a writer replaces while readers use it.
 *
 * Quiescent-state-based reclamation: readers load the current object with no
 * lock and no write, and announce, at a safe point between units of work
 * (between packets), that they hold no older pointer any more. The writer
 * publishes a new object, retires the old one, and frees it once every
 * online reader has passed a quiescent point after the retirement. Readers
 * never wait and the writer never blocks them. Used for the intel set, which
 * is rebuilt when intelligence changes and swapped while traffic flows.
 */
#ifndef HRADBA_CORE_QSBR_H
#define HRADBA_CORE_QSBR_H

#include <stddef.h>

struct qsbr;

/* reader_count 1..1024; every reader starts offline. free_fn frees retired
 * objects (and the current one at qsbr_free). NULL on failure. */
struct qsbr *qsbr_new(unsigned reader_count, void (*free_fn)(void *obj));
/* Frees the holder, the current object and every retired one. Call only when
 * no reader runs. NULL is a no-op. */
void qsbr_free(struct qsbr *q);

/* Writer: installs obj (NULL allowed), retires the previous object and frees
 * those no reader can still see. Returns 0, or -ENOMEM with nothing changed. */
int qsbr_publish(struct qsbr *q, void *obj);
/* Writer: frees what can be freed; returns the number still waiting. */
size_t qsbr_reclaim(struct qsbr *q);
/* Writer: waits (sleeping in 100 us steps) until every retired object is freed. */
void qsbr_synchronize(struct qsbr *q);

/* Reader: the current object (may be NULL), valid until this reader's next
 * qsbr_quiescent() or qsbr_offline(). */
void *qsbr_get(struct qsbr *q);
void qsbr_quiescent(struct qsbr *q, unsigned reader);
/* A reader that stops reading (idle, exiting) goes offline so it does not
 * hold reclamation back, and comes online before reading again. */
void qsbr_online(struct qsbr *q, unsigned reader);
void qsbr_offline(struct qsbr *q, unsigned reader);

#endif
