/* dns_name.c — DNS name decoding with compression (RFC 1035 §3.1, §4.1.4).
 *
 * Loop safety does not rely on a hop counter alone: every pointer must land
 * strictly before the start of the run of labels it ends. A target inside
 * that run would re-read it and reach the same pointer again (a loop); a
 * target after the pointer is a forward reference that RFC 1035 §4.1.4 does
 * not allow ("a prior occurrence of the same name"). Run starts therefore
 * strictly decrease, which ends every walk.
 */
#include "proto/dns/dns_name.h"

#include <stdbool.h>

enum { DNS_POINTER_TAG = 0xc0 };

/* Appends one label octet, escaped as tshark prints it (see the header). */
size_t dns_name_escape_octet(char *out, size_t len, uint8_t o)
{
    static const char c_escapes[] = "abtnvfr"; /* 0x07..0x0d */
    if (o >= 0x20 && o <= 0x7e) {
        out[len] = (char)o;
        return len + 1;
    }
    out[len] = '\\';
    if (o >= 0x07 && o <= 0x0d) {
        out[len + 1] = c_escapes[o - 0x07];
        return len + 2;
    }
    out[len + 1] = (char)('0' + (o >> 6));
    out[len + 2] = (char)('0' + ((o >> 3) & 7));
    out[len + 3] = (char)('0' + (o & 7));
    return len + 4;
}

/* Offset of c's next byte in msg. Both view the same message, c inside. */
static size_t dns_name_offset(const struct cursor *msg, const struct cursor *c)
{
    return (size_t)(cursor_ptr(c) - cursor_ptr(msg));
}

/* Sets `*c` to read `msg` from `off`, or fails it. */
static struct cursor dns_name_seek(const struct cursor *msg, size_t off)
{
    struct cursor j = *msg;
    cursor_skip(&j, off);
    return j;
}

static enum dns_name_result dns_name_fail(struct cursor *c, char *out, size_t *out_len,
                                          enum dns_name_result r)
{
    cursor_fail(c);
    out[0] = '\0';
    *out_len = 0;
    return r;
}

enum dns_name_result dns_name_decode(const struct cursor *msg, struct cursor *c, char *out,
                                     size_t *out_len)
{
    struct cursor rd = *c;   /* where labels are read now */
    bool has_jumped = false; /* after the first jump, `c` no longer moves */
    size_t run_start = dns_name_offset(msg, c);
    size_t wire_len = 1; /* the root octet */
    size_t len = 0;
    enum dns_name_result r = DNS_NAME_TRUNCATED;

    for (unsigned jumps = 0;;) {
        uint8_t l = cursor_u8(&rd);
        if (!cursor_ok(&rd))
            goto fail;
        if (l == 0)
            break;
        if ((l & DNS_POINTER_TAG) == DNS_POINTER_TAG) {
            size_t at = dns_name_offset(msg, &rd) - 1;
            size_t target = (size_t)(l & ~DNS_POINTER_TAG) << 8 | cursor_u8(&rd);
            if (!cursor_ok(&rd))
                goto fail;
            if (!has_jumped)
                *c = rd; /* the name in place ends after its first pointer */
            has_jumped = true;
            if (target > at) {
                r = DNS_NAME_FORWARD_POINTER;
                goto fail;
            }
            if (target >= run_start) {
                r = DNS_NAME_LOOP;
                goto fail;
            }
            if (++jumps > DNS_NAME_MAX_POINTERS) {
                r = DNS_NAME_TOO_MANY_POINTERS;
                goto fail;
            }
            run_start = target;
            rd = dns_name_seek(msg, target);
            continue;
        }
        if (l > DNS_LABEL_MAX) { /* 0x40 and 0x80 prefixes: RFC 6891 §5 retired them */
            r = DNS_NAME_LABEL_TOO_LONG;
            goto fail;
        }
        wire_len += 1 + (size_t)l;
        if (wire_len > DNS_NAME_WIRE_MAX) {
            r = DNS_NAME_TOO_LONG;
            goto fail;
        }
        const uint8_t *label = cursor_bytes(&rd, l);
        if (!label)
            goto fail;
        if (len > 0)
            out[len++] = '.';
        /* The loop is bounded by the label length (<= 63), and the output
         * by DNS_NAME_TEXT_MAX: 4 * 254 < 1024 (see the header). */
        struct cursor lc = cursor_make(label, l);
        while (cursor_left(&lc) > 0)
            len = dns_name_escape_octet(out, len, cursor_u8(&lc));
    }
    if (!has_jumped)
        *c = rd;
    out[len] = '\0';
    *out_len = len;
    return DNS_NAME_OK;
fail:
    return dns_name_fail(c, out, out_len, r);
}

const char *dns_name_result_event(enum dns_name_result r)
{
    switch (r) {
    case DNS_NAME_OK:
        return NULL;
    case DNS_NAME_TRUNCATED:
        return "truncated_message";
    case DNS_NAME_FORWARD_POINTER:
        return "forward_pointer";
    case DNS_NAME_LOOP:
        return "compression_loop";
    case DNS_NAME_TOO_MANY_POINTERS:
        return "too_many_pointers";
    case DNS_NAME_LABEL_TOO_LONG:
        return "label_too_long";
    case DNS_NAME_TOO_LONG:
        return "name_too_long";
    }
    return "truncated_message";
}
