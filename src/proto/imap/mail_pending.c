/* mail_pending.c — commands awaiting their replies (see mail_pending.h). */
#include "proto/imap/mail_pending.h"

#include <string.h>

bool mail_pending_push(uint8_t *q, size_t *count, size_t cap, uint8_t cmd)
{
    bool is_room = *count < cap;
    if (!is_room) {
        memmove(q, q + 1, cap - 1);
        *count = cap - 1;
    }
    q[(*count)++] = cmd;
    return is_room;
}

uint8_t mail_pending_take(uint8_t *q, size_t *count, size_t at)
{
    uint8_t cmd = q[at];
    *count -= at + 1;
    memmove(q, q + at + 1, *count);
    return cmd;
}
