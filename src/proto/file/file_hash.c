/* file_hash.c — streaming MD5/SHA-1/SHA-256 of one file at a time
 * (RFC 1321, FIPS 180-4), for the EVE fileinfo event. */
#include "proto/file/file_hash.h"

#include <string.h>

#include "core/digest.h"

enum {
    FILE_HASH_ALGS = DIGEST_MD5 | DIGEST_SHA1 | DIGEST_SHA256,
    /* What libcrypto holds for three contexts, roughly; for accounting only. */
    FILE_HASH_MEM_ESTIMATE = 3 * 256,
};

void file_hash_init(struct file_hash *fh)
{
    memset(fh, 0, sizeof(*fh));
}

void file_hash_fini(struct file_hash *fh)
{
    digest_free(fh->digest);
    memset(fh, 0, sizeof(*fh));
}

void file_hash_open(struct file_hash *fh)
{
    fh->size = 0;
    fh->has_gaps = false;
    fh->is_open = true;
    fh->is_unhashed = false;
    if (!fh->digest)
        fh->digest = digest_new(FILE_HASH_ALGS);
    if (!fh->digest || digest_reset(fh->digest) != 0)
        fh->is_unhashed = true;
}

void file_hash_update(struct file_hash *fh, const void *data, size_t len)
{
    if (!fh->is_open || len == 0)
        return;
    fh->size += len;
    /* After a gap the digests are dropped at close anyway: save the work. */
    if (!fh->is_unhashed && !fh->has_gaps && digest_update(fh->digest, data, len) != 0)
        fh->is_unhashed = true;
}

void file_hash_gap(struct file_hash *fh)
{
    if (fh->is_open)
        fh->has_gaps = true;
}

void file_hash_close(struct file_hash *fh, enum fileinfo_state state, struct fileinfo_record *rec)
{
    rec->size = fh->size;
    rec->has_gaps = fh->has_gaps;
    rec->state = state;
    rec->md5[0] = rec->sha1[0] = rec->sha256[0] = '\0';
    if (fh->is_open && !fh->has_gaps && !fh->is_unhashed) {
        if (digest_final_hex(fh->digest, DIGEST_MD5, rec->md5) != 0 ||
            digest_final_hex(fh->digest, DIGEST_SHA1, rec->sha1) != 0 ||
            digest_final_hex(fh->digest, DIGEST_SHA256, rec->sha256) != 0)
            rec->md5[0] = rec->sha1[0] = rec->sha256[0] = '\0';
    }
    fh->is_open = false;
}

size_t file_hash_mem(const struct file_hash *fh)
{
    return fh->digest ? FILE_HASH_MEM_ESTIMATE : 0;
}
