/* cmd_intel.c — `hradba intel COMMAND`: dispatch, what every intel command
 * shares (data directory, store opening, times), and `expire`. Import is in
 * cmd_intel_import.c, the read commands (list, show, stats) in
 * cmd_intel_query.c.
 */
#include "cli/cmd_intel.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/data_dir.h"
#include "cli/exit_code.h"
#include "intel/store/intel_store.h"

#define DAY_US 86400000000LL

static void intel_usage(FILE *out)
{
    fputs("usage: hradba intel COMMAND [options] [args]\n"
          "\n"
          "Keep threat intelligence (STIX 2.1 bundles, MISP events and feeds, CSV\n"
          "lists) in a local indicator store that survives restarts.\n"
          "\n"
          "commands:\n"
          "  import FILE|DIR...  import indicators (new, newer versions replace older)\n"
          "  list                list stored indicators (active ones unless --all)\n"
          "  show ID             everything stored for one indicator\n"
          "  stats               what the store holds\n"
          "  expire              remove expired (and with --revoked, revoked) indicators\n"
          "\n"
          "Every command takes --data-dir DIR; the default is $HRADBA_DATA_DIR, else\n"
          "$XDG_DATA_HOME/hradba, else ~/.local/share/hradba. The store is DIR/intel.db.\n"
          "'hradba intel COMMAND --help' describes each command.\n"
          "\n"
          "exit status: 0 success; 1 the store could not be opened, read or written;\n"
          "2 usage error; 3 bad input was skipped (import) or no such indicator (show);\n"
          "4 the output could not be written.\n",
          out);
}
int cmd_intel_store_path(const char *data_dir_opt, char *dir, char *db, size_t cap)
{
    char scratch[4096];
    char *d = dir ? dir : scratch;
    size_t dcap = dir ? cap : sizeof(scratch);
    int rc = data_dir_resolve(data_dir_opt, d, dcap);
    if (rc == -ENOENT) {
        fputs("hradba intel: no data directory: give --data-dir or set HRADBA_DATA_DIR or "
              "HOME\n",
              stderr);
        return EXIT_CODE_USAGE;
    }
    if (rc == 0)
        rc = data_dir_file(d, "intel.db", db, cap);
    if (rc != 0) {
        fputs("hradba intel: the data directory's path is too long\n", stderr);
        return EXIT_CODE_USAGE;
    }
    return 0;
}

void cmd_intel_time(int64_t us, char *out, size_t cap)
{
    if (us == INTEL_TIME_NONE) {
        snprintf(out, cap, "-");
        return;
    }
    int64_t sec = us / 1000000, frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        sec--;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    char base[32];
    if (!gmtime_r(&t, &tm) || strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
        snprintf(out, cap, "%" PRId64, us);
        return;
    }
    if (frac)
        snprintf(out, cap, "%s.%06" PRId64 "Z", base, frac);
    else
        snprintf(out, cap, "%sZ", base);
}
int64_t cmd_intel_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
/* Opens the store; *is_missing when there is none yet (then NULL and exit
 * code 0). */
struct intel_store *cmd_intel_open_store(const char *data_dir_opt, bool read_only, char *db,
                                         size_t cap, bool *is_missing, int *exit_code)
{
    char err[1024];
    *is_missing = false;
    *exit_code = cmd_intel_store_path(data_dir_opt, NULL, db, cap);
    if (*exit_code != 0)
        return NULL;
    if (access(db, F_OK) != 0 && errno == ENOENT) {
        *is_missing = true;
        return NULL;
    }
    struct intel_store *st = intel_store_open(db, read_only, err, sizeof(err));
    if (!st) {
        fprintf(stderr, "hradba intel: %s\n", err);
        *exit_code = EXIT_CODE_FATAL;
    }
    return st;
}
int cmd_intel_close_store(struct intel_store *st, int rc)
{
    if (rc != 0)
        fprintf(stderr, "hradba intel: %s\n", intel_store_errmsg(st));
    intel_store_close(st);
    return rc != 0 ? EXIT_CODE_FATAL : 0;
}
/* The length of the printable UTF-8 character at s (1 to 4), or 0 for a
 * control character (C0, DEL, C1) or a byte that does not start a valid
 * sequence (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF). */
static size_t utf8_printable(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x20 || c == 0x7f)
        return 0;
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c == 0xc2)
        lo = 0xa0; /* C1 controls U+0080..U+009F */
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

void cmd_intel_put_clean(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        size_t n = utf8_printable(p);
        if (n == 0) {
            fprintf(out, "\\x%02x", *p++);
            continue;
        }
        fwrite(p, 1, n, out);
        p += n;
    }
}

int cmd_intel_finish_output(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "hradba intel: writing the output failed: %s\n", strerror(errno));
        return EXIT_CODE_OUTPUT;
    }
    return rc;
}
int cmd_intel_parse_count(const char *opt, const char *arg, size_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (!*arg || *end || errno || arg[0] == '-') {
        fprintf(stderr, "hradba intel: %s: '%s' is not a whole number\n", opt, arg);
        return -EINVAL;
    }
    *out = (size_t)v;
    return 0;
}
static void expire_usage(FILE *out)
{
    fputs("usage: hradba intel expire [options]\n"
          "\n"
          "Remove indicators whose valid_until passed more than DAYS days ago (they\n"
          "are kept until then for 'show' and history, but never matched), and with\n"
          "--revoked the revoked ones. The store remembers what it removed: importing\n"
          "the same version again does not bring it back, a newer version does.\n"
          "\n"
          "options:\n"
          "      --older-than DAYS  only those that expired at least DAYS days ago\n"
          "                         (default 0: every expired indicator)\n"
          "      --revoked          also remove revoked indicators\n"
          "      --data-dir DIR     the data directory (see 'hradba intel --help')\n"
          "  -h, --help             show this help\n",
          out);
}

static int expire_parse(int argc, char **argv, const char **data_dir, size_t *days,
                        bool *with_revoked)
{
    enum { OPT_DATA_DIR = 256, OPT_OLDER, OPT_REVOKED };
    static const struct option longopts[] = {
        {"data-dir", required_argument, NULL, OPT_DATA_DIR},
        {"older-than", required_argument, NULL, OPT_OLDER},
        {"revoked", no_argument, NULL, OPT_REVOKED},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            expire_usage(stdout);
            return EXIT_CODE_OK;
        }
        if (c == OPT_DATA_DIR) {
            *data_dir = optarg;
        } else if (c == OPT_REVOKED) {
            *with_revoked = true;
        } else if (c == OPT_OLDER) {
            if (cmd_intel_parse_count("--older-than", optarg, days) != 0)
                return EXIT_CODE_USAGE;
            if (*days > 36500) {
                fputs("hradba intel expire: --older-than: at most 36500 days\n", stderr);
                return EXIT_CODE_USAGE;
            }
        } else {
            fputs("Try 'hradba intel expire --help'.\n", stderr);
            return EXIT_CODE_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hradba intel expire: unexpected argument '%s'\n", argv[optind]);
        return EXIT_CODE_USAGE;
    }
    return -1;
}

static int intel_expire(int argc, char **argv)
{
    const char *data_dir = NULL;
    size_t days = 0;
    bool with_revoked = false;
    int rc = expire_parse(argc, argv, &data_dir, &days, &with_revoked);
    if (rc >= 0)
        return rc;
    char db[4096], before[40];
    bool is_missing;
    struct intel_store *st =
        cmd_intel_open_store(data_dir, false, db, sizeof(db), &is_missing, &rc);
    if (!st && !is_missing)
        return rc;
    int64_t older_than = cmd_intel_now_us() - (int64_t)days * DAY_US;
    uint64_t removed = 0;
    rc = st ? intel_store_expire(st, older_than, with_revoked, &removed) : 0;
    if (cmd_intel_close_store(st, rc) != 0)
        return EXIT_CODE_FATAL;
    cmd_intel_time(older_than, before, sizeof(before));
    fprintf(stderr, "hradba intel: removed %" PRIu64 " indicator%s (expired before %.19sZ%s)\n",
            removed, removed == 1 ? "" : "s", before, with_revoked ? ", or revoked" : "");
    return EXIT_CODE_OK;
}
int cmd_intel(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } subs[] = {
        {"import", cmd_intel_import}, {"list", cmd_intel_list}, {"show", cmd_intel_show},
        {"stats", cmd_intel_stats},   {"expire", intel_expire},
    };
    if (argc < 2) {
        intel_usage(stderr);
        return EXIT_CODE_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        intel_usage(stdout);
        return EXIT_CODE_OK;
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (strcmp(sub, subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "hradba intel: '%s' is not an intel command\n", sub);
    intel_usage(stderr);
    return EXIT_CODE_USAGE;
}
