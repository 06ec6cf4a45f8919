/* mime_header.h — reads the values of the RFC 5322 / MIME header fields
 * that mail metadata needs: Content-Type and Content-Disposition with their
 * parameters (RFC 2045 §5.1, RFC 2183, RFC 2231 §3-4 continuations and
 * charsets), and address lists (RFC 5322 §3.4).
 *
 * Works on one unfolded field value at a time; the caller assembles fields
 * (mime_parser.c). Lenient where mail is: unquoted values with spaces,
 * encoded-words inside quoted file names.
 */
#ifndef HRADBA_PROTO_MIME_MIME_HEADER_H
#define HRADBA_PROTO_MIME_MIME_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/mime/mime_list.h"

enum {
    MIME_TYPE_MAX = 80,      /* "type/subtype", lower case, NUL included */
    MIME_BOUNDARY_MAX = 128, /* RFC 2046 §5.1.1 allows 70; longer ones are refused */
    MIME_FILENAME_MAX = 256, /* bytes of a decoded file name, NUL included */
    MIME_CONT_MAX = 32,      /* RFC 2231 continuations read per parameter */
};

/* 1 when the n bytes are the field name lit (case-insensitive). */
bool mime_header_name_is(const uint8_t *name, size_t n, const char *lit);

/* The media type ("text/html") lower-cased into type (MIME_TYPE_MAX);
 * "" when absent. Returns the length. */
size_t mime_header_type(const uint8_t *v, size_t n, char *type);

/* Parameter `name` of a Content-Type or Content-Disposition value, with
 * RFC 2231 continuations and charsets and RFC 2047 words decoded to UTF-8
 * where handled (mime_decode.h), into out (out_size >= 1, NUL-terminated,
 * cut). Returns the length, or -1 when the parameter is absent. */
int mime_header_param(const uint8_t *v, size_t n, const char *name, char *out, size_t out_size);

/* The boundary parameter, unquoted and undecoded (it is compared with the
 * body's bytes), into out (MIME_BOUNDARY_MAX). Returns its length, 0 when
 * absent, -1 when longer than fits or empty. */
int mime_header_boundary(const uint8_t *v, size_t n, char *out);

/* Splits an address list at commas outside quotes, angle brackets, comments
 * and groups' display names, and adds each trimmed address to list. */
void mime_header_addresses(const uint8_t *v, size_t n, struct mime_list *list);

#endif
