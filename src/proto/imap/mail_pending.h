/* mail_pending.h — the commands that await their replies, for the text
 * protocols whose server answers in order (FTP RFC 959 §4.2, POP3 RFC 1939
 * §3, SMTP RFC 2920 §3).
 *
 * A FIFO of one-octet command kinds kept in the caller's state: a client
 * may send several commands before the first reply (pipelining), and each
 * reply answers the oldest. Not for IMAP, whose tagged replies come in any
 * order.
 */
#ifndef HRADBA_PROTO_IMAP_MAIL_PENDING_H
#define HRADBA_PROTO_IMAP_MAIL_PENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Appends cmd to the *count commands at q, which has room for cap. A full
 * queue drops its oldest first (its reply will pair with the next one):
 * false then, for the caller's anomaly. */
bool mail_pending_push(uint8_t *q, size_t *count, size_t cap, uint8_t cmd);

/* Removes q[0] to q[at] and returns q[at]: the command a reply answers (at
 * 0: the oldest), those before it going unanswered. at < *count. */
uint8_t mail_pending_take(uint8_t *q, size_t *count, size_t at);

#endif
