/* digest.c — EVP contexts for the hashes hradba records (MD5 is kept only
 * because EVE's fileinfo and JA3 use it, never for anything trusted). */
#include "core/digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <threads.h>

enum { DIGEST_SLOTS = 3 };

struct digest {
    unsigned algs;
    EVP_MD_CTX *ctx[DIGEST_SLOTS];
};

static int digest_slot(enum digest_alg alg)
{
    switch (alg) {
    case DIGEST_MD5:
        return 0;
    case DIGEST_SHA1:
        return 1;
    case DIGEST_SHA256:
        return 2;
    }
    return -1;
}

/* EVP_md5() and its kind are looked up again by every EVP_DigestInit_ex,
 * behind a lock of OpenSSL's method store: 6% of a run on the make-workload
 * capture. The algorithms are fetched once per process instead; after that
 * the table is only read. */
static EVP_MD *digest_fetched[DIGEST_SLOTS];
static once_flag digest_fetch_once = ONCE_FLAG_INIT;

static void digest_fetch(void)
{
    static const char *const names[DIGEST_SLOTS] = {"MD5", "SHA1", "SHA256"};
    for (int i = 0; i < DIGEST_SLOTS; i++)
        digest_fetched[i] = EVP_MD_fetch(NULL, names[i], NULL);
}

static const EVP_MD *digest_md(int slot)
{
    call_once(&digest_fetch_once, digest_fetch);
    if (digest_fetched[slot])
        return digest_fetched[slot];
    /* A provider without it (a FIPS-only configuration lacks MD5): the
     * legacy handle, which fails the same way at init. */
    switch (slot) {
    case 0:
        return EVP_md5();
    case 1:
        return EVP_sha1();
    default:
        return EVP_sha256();
    }
}

void digest_to_hex(const uint8_t *bytes, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 0xf];
    }
    out[2 * n] = '\0';
}

int digest_reset(struct digest *d)
{
    for (int i = 0; i < DIGEST_SLOTS; i++)
        if (d->ctx[i] && EVP_DigestInit_ex2(d->ctx[i], digest_md(i), NULL) != 1)
            return -EIO;
    return 0;
}

struct digest *digest_new(unsigned algs)
{
    struct digest *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->algs = algs;
    for (int i = 0; i < DIGEST_SLOTS; i++) {
        if (!(algs & (1u << i)))
            continue;
        d->ctx[i] = EVP_MD_CTX_new();
        if (!d->ctx[i])
            goto fail;
    }
    if (digest_reset(d) != 0)
        goto fail;
    return d;
fail:
    digest_free(d);
    return NULL;
}

void digest_free(struct digest *d)
{
    if (!d)
        return;
    for (int i = 0; i < DIGEST_SLOTS; i++)
        EVP_MD_CTX_free(d->ctx[i]);
    free(d);
}

int digest_update(struct digest *d, const void *data, size_t len)
{
    if (len == 0)
        return 0;
    for (int i = 0; i < DIGEST_SLOTS; i++)
        if (d->ctx[i] && EVP_DigestUpdate(d->ctx[i], data, len) != 1)
            return -EIO;
    return 0;
}

int digest_final_hex(struct digest *d, enum digest_alg alg, char hex[DIGEST_HEX_MAX])
{
    int slot = digest_slot(alg);
    if (slot < 0 || !d->ctx[slot])
        return -EINVAL;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(d->ctx[slot], md, &n) != 1)
        return -EIO;
    digest_to_hex(md, n, hex);
    return 0;
}

static const size_t digest_len[DIGEST_SLOTS] = {DIGEST_MD5_LEN, DIGEST_SHA1_LEN, DIGEST_SHA256_LEN};

/* Per thread, lives until exit: a one-shot digest per flow (Community ID)
 * would otherwise allocate and free a context each time. */
static _Thread_local EVP_MD_CTX *digest_oneshot_ctx;

int digest_oneshot(enum digest_alg alg, const void *data, size_t len,
                   uint8_t out[DIGEST_SHA256_LEN])
{
    int slot = digest_slot(alg);
    if (slot < 0)
        return -EINVAL;
    if (!digest_oneshot_ctx)
        digest_oneshot_ctx = EVP_MD_CTX_new();
    unsigned int n = 0;
    if (!digest_oneshot_ctx || EVP_DigestInit_ex2(digest_oneshot_ctx, digest_md(slot), NULL) != 1 ||
        EVP_DigestUpdate(digest_oneshot_ctx, data, len) != 1 ||
        EVP_DigestFinal_ex(digest_oneshot_ctx, out, &n) != 1 || n != digest_len[slot])
        return -EIO;
    return 0;
}

int digest_oneshot_hex(enum digest_alg alg, const void *data, size_t len, char hex[DIGEST_HEX_MAX])
{
    uint8_t md[DIGEST_SHA256_LEN];
    int rc = digest_oneshot(alg, data, len, md);
    if (rc == 0)
        digest_to_hex(md, digest_len[digest_slot(alg)], hex);
    return rc;
}
