/* fileinfo_eve.c — formats struct fileinfo_record as Suricata's EVE
 * "fileinfo" object: filename, gaps, state, md5, sha1, sha256, stored, size,
 * tx_id, in Suricata's order. Not written: "sid" (no rules match files
 * here), "magic" (no libmagic), "file_id"/"storing" (files are never stored).
 */
#include "proto/file/fileinfo_eve.h"

const char *fileinfo_state_name(enum fileinfo_state s)
{
    switch (s) {
    case FILEINFO_CLOSED:
        return "CLOSED";
    case FILEINFO_TRUNCATED:
        return "TRUNCATED";
    case FILEINFO_ERROR:
        return "ERROR";
    }
    return "UNKNOWN";
}

void fileinfo_eve_format(struct json_buf *b, const struct fileinfo_record *r)
{
    json_buf_open_object(b, "fileinfo");
    /* Suricata always writes the name, "" when the protocol gave none. */
    if (r->filename)
        json_buf_string_n(b, "filename", r->filename, r->filename_len);
    else
        json_buf_string(b, "filename", "");
    json_buf_bool(b, "gaps", r->has_gaps);
    json_buf_string(b, "state", fileinfo_state_name(r->state));
    if (r->md5[0])
        json_buf_string(b, "md5", r->md5);
    if (r->sha1[0])
        json_buf_string(b, "sha1", r->sha1);
    if (r->sha256[0])
        json_buf_string(b, "sha256", r->sha256);
    json_buf_bool(b, "stored", false);
    json_buf_u64(b, "size", r->size);
    json_buf_u64(b, "tx_id", r->tx_id);
    json_buf_close_object(b);
}
