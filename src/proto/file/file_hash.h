/* file_hash.h — hashes one file (a body, an attachment) as its bytes stream.
 *
 * MD5, SHA-1 and SHA-256 are updated together (core/digest.h); nothing is
 * buffered. A gap makes the hashes meaningless, so a file with gaps closes
 * without them (as Suricata does) but still reports its size and has_gaps.
 * The digest contexts are allocated on the first file and reused after.
 */
#ifndef HRADBA_PROTO_FILE_FILE_HASH_H
#define HRADBA_PROTO_FILE_FILE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/file/fileinfo.h"

struct file_hash {
    struct digest *digest; /* NULL until the first file; kept across files */
    uint64_t size;         /* bytes seen in the current file */
    bool is_open;
    bool has_gaps;
    bool is_unhashed; /* the digest could not be allocated: no hashes */
};

/* Caller-allocated; file_hash_fini frees the digest contexts. */
void file_hash_init(struct file_hash *fh);
void file_hash_fini(struct file_hash *fh);

/* Starts a new file (an open one is dropped). Allocation failure is not an
 * error: the file is still sized, only its hashes are omitted. */
void file_hash_open(struct file_hash *fh);
/* No-ops when no file is open. */
void file_hash_update(struct file_hash *fh, const void *data, size_t len);
void file_hash_gap(struct file_hash *fh);
/* Closes the file into rec: size, has_gaps, state and the hex digests
 * ("" when gaps or allocation failure left them meaningless). */
void file_hash_close(struct file_hash *fh, enum fileinfo_state state, struct fileinfo_record *rec);

/* Bytes of heap held (the digest contexts, estimated). */
size_t file_hash_mem(const struct file_hash *fh);

#endif
