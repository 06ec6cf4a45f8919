/* mail_sasl.h — who is logging in, from SASL exchanges in IMAP and POP3.
 *
 * RFC 4648 §4 base64, and the client messages of the mechanisms that name
 * the user in clear: PLAIN (RFC 4616: authzid NUL authcid NUL passwd), LOGIN
 * (draft-murchison-sasl-login: the first response is the user name),
 * CRAM-MD5 (RFC 2195: "user SP digest"), XOAUTH2 ("user=" ... ^A) and
 * OAUTHBEARER (RFC 7628: gs2 header "n,a=user,"). Decoding stops at the
 * delimiter after the user name, so password bytes are never decoded into
 * anything that outlives the call; a group straddling it is wiped.
 */
#ifndef HRADBA_PROTO_IMAP_MAIL_SASL_H
#define HRADBA_PROTO_IMAP_MAIL_SASL_H

#include <stddef.h>
#include <stdint.h>

enum {
    MAIL_SASL_USER_MAX = 256, /* bytes kept of a user name, NUL included */
    MAIL_SASL_MECH_MAX = 32,  /* RFC 4422 §3.1: at most 20 characters */
};

enum mail_sasl_mech {
    MAIL_SASL_OTHER = 0, /* a user is not named in clear (SCRAM names it, but in a
                          * GS2 message we leave for later), or unknown */
    MAIL_SASL_PLAIN,
    MAIL_SASL_LOGIN,
    MAIL_SASL_CRAM_MD5,
    MAIL_SASL_XOAUTH2,
    MAIL_SASL_OAUTHBEARER,
};

enum mail_sasl_result {
    MAIL_SASL_NO_USER = 0, /* this step does not carry the user */
    MAIL_SASL_USER = 1,    /* out holds the user name */
    MAIL_SASL_INVALID = -1 /* not base64, or not the mechanism's format */
};

/* The mechanism named by n bytes (case-insensitive, RFC 4422 §3.1). */
enum mail_sasl_mech mail_sasl_mech_from(const uint8_t *name, size_t n);

/* Looks for the user in the client's response number `step` (0 is the
 * initial response or the first response to a challenge), given as base64
 * text of n bytes. On MAIL_SASL_USER, out (out_size >= 1) holds the name,
 * NUL-terminated, cut at out_size - 1 bytes. "=" (an empty initial
 * response, RFC 4959) is valid and carries no user. */
enum mail_sasl_result mail_sasl_user(enum mail_sasl_mech mech, unsigned step, const uint8_t *b64,
                                     size_t n, char *out, size_t out_size);

/* Decodes base64 into dst, stopping after `cap` bytes, or just before the
 * stop_count-th occurrence of byte `stop` (stop < 0: never). *out_len gets
 * the bytes written. Padding may be absent at the very end. Returns 0, or
 * -1 when the text is not base64 (a bad character, or data after '='). */
int mail_sasl_b64_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, int stop,
                         unsigned stop_count, size_t *out_len);

#endif
