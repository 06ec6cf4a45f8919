/* mime_decode.h — the content transfer encodings and header encodings of
 * MIME, as streaming decoders over untrusted text.
 *
 * RFC 2045 §6.7 quoted-printable and §6.8 base64 (RFC 4648 §4 alphabet),
 * decoded chunk by chunk with the state between chunks kept here, so a
 * 50 MB attachment costs a few bytes. RFC 2047 encoded-words ("=?utf-8?B?
 * ...?=") and RFC 2231 extended parameter values ("utf-8''%E2%82%AC") are
 * decoded to UTF-8 when their charset is UTF-8, US-ASCII or ISO-8859-1;
 * words in other charsets are kept as written. Lenient like mail readers:
 * bad characters are skipped and counted, never fatal. Not a charset
 * library.
 */
#ifndef HRADBA_PROTO_MIME_MIME_DECODE_H
#define HRADBA_PROTO_MIME_MIME_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Streaming base64. Whitespace is ignored; any other byte outside the
 * alphabet is skipped and counted in invalid, as is data after padding
 * (decoding then resumes with a new quantum). */
struct mime_b64 {
    uint32_t acc;     /* bits of the quantum so far */
    uint8_t n;        /* sextets in acc */
    bool is_padded;   /* '=' seen: the encoded text should have ended */
    uint64_t invalid; /* bytes skipped */
};

/* Streaming quoted-printable. "=XY" with X, Y hex decodes to one byte; "="
 * before a line end is a soft break; a '=' not followed by either is kept
 * literally and counted in invalid. Line ends pass through as they are. */
struct mime_qp {
    uint8_t state; /* 0: text, 1: after '=', 2: after '=' and a hex digit, 3: after "=\r" */
    uint8_t hi;    /* the digit after '=' in state 2 */
    uint64_t invalid;
};

/* Output bound for n input bytes: base64 never writes more than
 * MIME_B64_OUT_MAX(n) bytes, quoted-printable never more than n + 2. */
#define MIME_B64_OUT_MAX(n) ((n) / 4 * 3 + 3)
#define MIME_QP_OUT_MAX(n) ((n) + 2)

void mime_b64_init(struct mime_b64 *d);
/* Decodes n bytes into out (room for MIME_B64_OUT_MAX(n)); returns bytes written. */
size_t mime_b64_decode(struct mime_b64 *d, const uint8_t *in, size_t n, uint8_t *out);
/* Flushes a partial quantum (missing padding) into out (room for 3); a lone
 * sextet counts as invalid. Returns bytes written. */
size_t mime_b64_finish(struct mime_b64 *d, uint8_t *out);

void mime_qp_init(struct mime_qp *d);
size_t mime_qp_decode(struct mime_qp *d, const uint8_t *in, size_t n, uint8_t *out);
size_t mime_qp_finish(struct mime_qp *d, uint8_t *out);

/* Decodes the RFC 2047 encoded-words in a header value of n bytes into out
 * (out_size >= 1; NUL-terminated, cut at out_size - 1 bytes). Text outside
 * encoded words is copied; whitespace between two encoded words is dropped
 * (§6.2). Returns the length written; *is_decoded tells whether any word
 * was decoded. Malformed words are copied as they are. */
size_t mime_decode_words(const uint8_t *in, size_t n, char *out, size_t out_size, bool *is_decoded);

/* Decodes an RFC 2231 §4 extended value ("charset'lang'%XX...") of n bytes
 * into out like mime_decode_words. When has_charset is false the value is a
 * continuation without the charset prefix, decoded with charset (which may
 * be NULL: UTF-8 assumed). */
size_t mime_decode_ext_value(const uint8_t *in, size_t n, bool has_charset, const char *charset,
                             char *out, size_t out_size);

/* 1 when the charset name (n bytes) is one whose bytes can be turned into
 * UTF-8 here: 1 for UTF-8 and US-ASCII (copied), 2 for ISO-8859-1 (widened);
 * 0 otherwise. */
int mime_decode_charset_kind(const uint8_t *name, size_t n);

#endif
