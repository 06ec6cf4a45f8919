/* dns_name.h — decoding DNS domain names, with message compression.
 *
 * RFC 1035 §3.1 (labels of at most 63 octets, names of at most 255 octets on
 * the wire) and §4.1.4 (compression pointers). Not a validator of host-name
 * syntax (RFC 952/1123): any octet may appear in a label, and is escaped.
 */
#ifndef HRADBA_PROTO_DNS_NAME_H
#define HRADBA_PROTO_DNS_NAME_H

#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"

enum {
    DNS_NAME_WIRE_MAX = 255, /* RFC 1035 §3.1: length octets + labels + root */
    DNS_LABEL_MAX = 63,      /* RFC 1035 §2.3.4 */
    /* Each label octet prints as at most 4 characters ("\ooo"), so a name of
     * 255 wire octets needs fewer than 4 * 254 characters; plus the NUL. */
    DNS_NAME_TEXT_MAX = 1024,
    /* A pointer ends a run of labels, and a name has at most 127 labels, so
     * no honest name needs more jumps than this. */
    DNS_NAME_MAX_POINTERS = 128,
};

enum dns_name_result {
    DNS_NAME_OK = 0,
    DNS_NAME_TRUNCATED,       /* the name runs past its section or message */
    DNS_NAME_FORWARD_POINTER, /* a pointer past its own offset */
    DNS_NAME_LOOP,            /* a pointer to itself or into labels already read */
    DNS_NAME_TOO_MANY_POINTERS,
    DNS_NAME_LABEL_TOO_LONG, /* a length octet of 64..191 (types 01 and 10) */
    DNS_NAME_TOO_LONG,       /* more than DNS_NAME_WIRE_MAX octets */
};

/* Decodes the name at `c` into `out` as text: labels joined by '.', no
 * trailing dot, the root as "". Octets are escaped as tshark prints them:
 * 0x20..0x7e stay as they are (including '.' and '\' inside a label — tshark
 * and Suricata do not escape them either), \a \b \t \n \v \f \r keep their C
 * escapes, every other octet becomes a 3-digit octal "\ooo". The output is
 * therefore printable ASCII.
 *
 * `msg` views the whole message from its first octet (pointers are offsets
 * from there); `c` must point inside that message and may end earlier (an
 * RDATA field). On success `c` is advanced past the name as stored in place
 * (up to and including the first pointer). `out` must hold DNS_NAME_TEXT_MAX
 * bytes; `*out_len` gets the text length. On failure `c` is failed and out
 * holds "" — the result says why. Bounded: at most DNS_NAME_WIRE_MAX octets
 * of labels and DNS_NAME_MAX_POINTERS jumps, each jump strictly before the
 * start of the run of labels that led to it (which is exactly "no loop").
 */
enum dns_name_result dns_name_decode(const struct cursor *msg, struct cursor *c, char *out,
                                     size_t *out_len);

/* Writes octet `o` escaped as in names (1 to 4 characters) to out[len..];
 * returns the new length. */
size_t dns_name_escape_octet(char *out, size_t len, uint8_t o);

/* The anomaly name for a failed result ("compression_loop", ...); NULL for OK. */
const char *dns_name_result_event(enum dns_name_result r);

#endif
