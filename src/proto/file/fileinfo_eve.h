/* fileinfo_eve.h — struct fileinfo_record as EVE's "fileinfo" object. */
#ifndef HRADBA_PROTO_FILE_FILEINFO_EVE_H
#define HRADBA_PROTO_FILE_FILEINFO_EVE_H

#include "output/json_buf.h"
#include "proto/file/fileinfo.h"

/* Writes "fileinfo":{...} into the open object b (the caller writes the
 * common header and, for HTTP, the parent's "http" object). */
void fileinfo_eve_format(struct json_buf *b, const struct fileinfo_record *r);

/* "CLOSED", "TRUNCATED", "ERROR" (Suricata's names); "UNKNOWN" otherwise. */
const char *fileinfo_state_name(enum fileinfo_state s);

#endif
