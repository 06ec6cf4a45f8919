/* data_dir.c — finding and creating hradba's data directory (data_dir.h). */
#include "cli/data_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *env_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static int put(char *out, size_t cap, const char *a, const char *b)
{
    int n = snprintf(out, cap, "%s%s", a, b);
    return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int data_dir_resolve(const char *opt, char *out, size_t cap)
{
    if (cap == 0)
        return -ENAMETOOLONG;
    out[0] = '\0';
    if (opt && *opt)
        return put(out, cap, opt, "");
    const char *v = env_set("HRADBA_DATA_DIR");
    if (v)
        return put(out, cap, v, "");
    v = env_set("XDG_DATA_HOME");
    if (v && v[0] == '/')
        return put(out, cap, v, "/hradba");
    v = env_set("HOME");
    if (v)
        return put(out, cap, v, "/.local/share/hradba");
    return -ENOENT;
}

int data_dir_file(const char *dir, const char *name, char *out, size_t cap)
{
    size_t len = strlen(dir);
    int n = snprintf(out, cap, "%s%s%s", dir, len && dir[len - 1] == '/' ? "" : "/", name);
    return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* mkdir that counts an existing directory as success. */
static int make_one(const char *path)
{
    if (mkdir(path, 0700) == 0)
        return 0;
    int err = errno;
    struct stat sb;
    if (err == EEXIST)
        return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -ENOTDIR;
    return -err;
}

int data_dir_ensure(const char *dir)
{
    char path[4096];
    if (put(path, sizeof(path), dir, "") != 0)
        return -ENAMETOOLONG;
    if (!path[0])
        return -ENOENT;
    /* Each parent in turn, then the directory itself. */
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = make_one(path);
        *p = '/';
        if (rc != 0)
            return rc;
    }
    return make_one(path);
}
