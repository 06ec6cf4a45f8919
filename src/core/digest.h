/* digest.h — streaming MD5, SHA-1 and SHA-256 (libcrypto behind one door).
 *
 * Bodies, attachments and certificates are hashed as their bytes stream
 * past; nothing is buffered. One struct digest hashes with every algorithm
 * asked for at once, so an HTTP body is read once for MD5 and SHA-256.
 */
#ifndef HRADBA_CORE_DIGEST_H
#define HRADBA_CORE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

enum digest_alg {
    DIGEST_MD5 = 1u << 0,
    DIGEST_SHA1 = 1u << 1,
    DIGEST_SHA256 = 1u << 2,
};

enum {
    DIGEST_MD5_LEN = 16,
    DIGEST_SHA1_LEN = 20,
    DIGEST_SHA256_LEN = 32,
    DIGEST_HEX_MAX = 65, /* SHA-256 in hex and NUL */
};

struct digest; /* opaque: holds one context per algorithm */

/* algs: an OR of enum digest_alg. Returns NULL on allocation failure. */
struct digest *digest_new(unsigned algs);
void digest_free(struct digest *d);
/* Starts over, keeping the algorithms. */
int digest_reset(struct digest *d);
int digest_update(struct digest *d, const void *data, size_t len);
/* Finishes alg (one of those asked for) into hex (lower case, NUL-terminated).
 * Returns 0 or -EINVAL. After any final, reset before updating again. */
int digest_final_hex(struct digest *d, enum digest_alg alg, char hex[DIGEST_HEX_MAX]);

/* One-shot: hex of alg over data. Returns 0 or -errno. */
int digest_oneshot_hex(enum digest_alg alg, const void *data, size_t len, char hex[DIGEST_HEX_MAX]);
/* The digest itself (DIGEST_<ALG>_LEN bytes into out). One context per
 * thread is reused, so a call allocates nothing. 0, -EINVAL or -EIO. */
int digest_oneshot(enum digest_alg alg, const void *data, size_t len,
                   uint8_t out[DIGEST_SHA256_LEN]);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void digest_to_hex(const uint8_t *bytes, size_t n, char *out);

#endif
