/* hex.h — the value of one hexadecimal digit, by table look-up.
 *
 * Shared by every reader of hex text (STIX h'' literals, digests in
 * indicators, %-escapes in URLs, UUIDs), so there is one definition of what
 * a hex digit is. */
#ifndef HRADBA_CORE_HEX_H
#define HRADBA_CORE_HEX_H

#include <stdint.h>

/* 1 + the digit's value for '0'-'9', 'a'-'f', 'A'-'F'; 0 for anything else. */
extern const uint8_t hex_digit_plus1[256];

/* 0..15, or -1 when c is not a hex digit. */
static inline int hex_digit_value(unsigned char c)
{
    return (int)hex_digit_plus1[c] - 1;
}

#endif
