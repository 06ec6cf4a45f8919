/* cloud_storage.c — the built-in list of storage, transfer and paste
 * services (cloud_storage.h). The entries are the services ATT&CK names in
 * T1567.002/.003 procedure examples (Rclone and MEGAsync to MEGA, Dropbox,
 * Google Drive, OneDrive, Box, pCloud; Pastebin) and the file and paste
 * entries of the LOTS Project (lots-project.com) that ransomware reports
 * keep naming; general CDNs and whole clouds (amazonaws.com, googleapis.com)
 * are left out on purpose, only their storage endpoints are in.
 */
#include "detect/exfil/cloud_storage.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

static const struct cloud_storage_service services[] = {
    {"dropbox.com", CLOUD_STORAGE_FILES},
    {"dropboxapi.com", CLOUD_STORAGE_FILES}, /* content.dropboxapi.com takes uploads */
    {"dropboxusercontent.com", CLOUD_STORAGE_FILES},
    {"drive.google.com", CLOUD_STORAGE_FILES},
    {"storage.googleapis.com", CLOUD_STORAGE_FILES}, /* Google Cloud Storage */
    {"storage.cloud.google.com", CLOUD_STORAGE_FILES},
    {"onedrive.live.com", CLOUD_STORAGE_FILES},
    {"storage.live.com", CLOUD_STORAGE_FILES}, /* OneDrive's file back end */
    {"1drv.ms", CLOUD_STORAGE_FILES},
    {"1drv.com", CLOUD_STORAGE_FILES},
    {"sharepoint.com", CLOUD_STORAGE_FILES}, /* OneDrive for Business: <tenant>-my. */
    {"blob.core.windows.net", CLOUD_STORAGE_FILES},
    {"file.core.windows.net", CLOUD_STORAGE_FILES},
    {"dfs.core.windows.net", CLOUD_STORAGE_FILES},
    {"box.com", CLOUD_STORAGE_FILES},
    {"boxcloud.com", CLOUD_STORAGE_FILES},
    {"mega.nz", CLOUD_STORAGE_FILES},
    {"mega.co.nz", CLOUD_STORAGE_FILES},
    {"mega.io", CLOUD_STORAGE_FILES},
    {"pcloud.com", CLOUD_STORAGE_FILES},
    {"icedrive.net", CLOUD_STORAGE_FILES},
    {"cloud-api.yandex.net", CLOUD_STORAGE_FILES},
    {"wetransfer.com", CLOUD_STORAGE_FILES},
    {"we.tl", CLOUD_STORAGE_FILES},
    {"sendspace.com", CLOUD_STORAGE_FILES},
    {"mediafire.com", CLOUD_STORAGE_FILES},
    {"gofile.io", CLOUD_STORAGE_FILES},
    {"file.io", CLOUD_STORAGE_FILES},
    {"transfer.sh", CLOUD_STORAGE_FILES},
    {"temp.sh", CLOUD_STORAGE_FILES},
    {"0x0.st", CLOUD_STORAGE_FILES},
    {"catbox.moe", CLOUD_STORAGE_FILES},
    {"anonfiles.com", CLOUD_STORAGE_FILES},
    {"filebin.net", CLOUD_STORAGE_FILES},
    {"ufile.io", CLOUD_STORAGE_FILES},
    {"pastebin.com", CLOUD_STORAGE_TEXT},
    {"paste.ee", CLOUD_STORAGE_TEXT},
    {"hastebin.com", CLOUD_STORAGE_TEXT},
    {"controlc.com", CLOUD_STORAGE_TEXT},
    {"rentry.co", CLOUD_STORAGE_TEXT},
    {"privatebin.net", CLOUD_STORAGE_TEXT},
    {"dpaste.com", CLOUD_STORAGE_TEXT},
    {"paste.rs", CLOUD_STORAGE_TEXT},
    {"justpaste.it", CLOUD_STORAGE_TEXT},
};

/* name is suffix, or ends in "." + suffix (so "notdropbox.com" is not Dropbox). */
static bool ends_with_label(const char *name, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    if (len < n || strncasecmp(name + len - n, suffix, n) != 0)
        return false;
    return len == n || name[len - n - 1] == '.';
}

/* Amazon S3 is matched by shape, not by one suffix (s3_match). */
static const struct cloud_storage_service s3 = {"s3.amazonaws.com", CLOUD_STORAGE_FILES};

/* S3's virtual-host and regional names: a label "s3" or "s3-<region>"
 * ("s3-accelerate", legacy "s3-us-west-2") under amazonaws.com. */
static bool s3_match(const char *name, size_t len)
{
    if (!ends_with_label(name, len, "amazonaws.com"))
        return false;
    const char *label = name;
    const char *end = name + len;
    while (label < end) {
        const char *dot = memchr(label, '.', (size_t)(end - label));
        size_t n = dot ? (size_t)(dot - label) : (size_t)(end - label);
        if ((n == 2 || (n > 3 && label[2] == '-')) && strncasecmp(label, "s3", 2) == 0)
            return true;
        if (!dot)
            break;
        label = dot + 1;
    }
    return false;
}

const struct cloud_storage_service *cloud_storage_match(const char *name)
{
    if (!name || !*name)
        return NULL;
    size_t len = strlen(name);
    if (name[len - 1] == '.') /* a fully qualified name's root */
        len--;
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        if (ends_with_label(name, len, services[i].suffix))
            return &services[i];
    }
    if (s3_match(name, len))
        return &s3;
    return NULL;
}
