/* cloud_storage.h — is a server name a file-storage, file-transfer or paste
 * service, the places MITRE ATT&CK T1567.002 and T1567.003 name as targets
 * of exfiltration over a web service?
 *
 * A small built-in list of registrable names (docs/detectors.md, exfil),
 * matched on label boundaries; not a reputation feed and not a category
 * database: a match adds weight to an upload that is already unusual.
 */
#ifndef HRADBA_DETECT_EXFIL_CLOUD_STORAGE_H
#define HRADBA_DETECT_EXFIL_CLOUD_STORAGE_H

enum cloud_storage_kind {
    CLOUD_STORAGE_FILES = 1, /* storage and transfer: T1567.002 */
    CLOUD_STORAGE_TEXT = 2,  /* paste sites: T1567.003 */
};

struct cloud_storage_service {
    const char *suffix; /* "dropbox.com"; for S3 "s3.amazonaws.com" */
    enum cloud_storage_kind kind;
};

/* The service name (case-insensitive) belongs to, or NULL: name equals an
 * entry or ends in "." + entry; S3 also as "<bucket>.s3.<region>.amazonaws.com"
 * and the legacy "s3-<region>" labels. NULL and "" give NULL. */
const struct cloud_storage_service *cloud_storage_match(const char *name);

#endif
