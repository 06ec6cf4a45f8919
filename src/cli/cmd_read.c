/* cmd_read.c — `hradba read [options] PATH...`.
 *
 * Reads captures in timestamp order through one worker, writes one EVE line
 * per finished flow, then a summary on stderr and optionally a JSON
 * statistics file. Bad input is reported and skipped, never fatal: the good
 * part is always processed and the exit code says something was wrong.
 */
#include "cli/cmd_read.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "cli/exit_code.h"
#include "cli/intel_load.h"
#include "cli/progress.h"
#include "cli/size_arg.h"
#include "cli/stats_report.h"
#include "cli/worker.h"
#include "core/qsbr.h"
#include "detect/behaviour.h"
#include "intel/set/intel_set.h"
#include "output/eve_sink.h"

enum { READ_MAX_VIEWS = 24, READ_MAX_INTEL_FILES = 64 };

struct read_opts {
    const char *output;
    const char *stats_path;
    bool is_quiet;
    int progress; /* -1 auto, 0 off, 1 on */
    struct worker_config wcfg;
    struct intel_load_opts intel;
    const char *intel_files[READ_MAX_INTEL_FILES];
    struct behaviour_config detect;
    bool is_detect_off;
};

static void read_usage(FILE *out)
{
    fputs("usage: hradba read [options] PATH...\n"
          "\n"
          "Read pcap/pcapng captures (files, directories of captures, or - for\n"
          "standard input) in timestamp order and write EVE JSON lines: one per flow,\n"
          "and the application-layer events (dns, http, tls, quic, smtp, imap, pop3)\n"
          "of the protocols found in them.\n"
          "\n"
          "options:\n"
          "  -o, --output FILE        write events to FILE (default: standard output)\n"
          "      --stats FILE         write end-of-run statistics as JSON to FILE\n"
          "  -q, --quiet              no summary on standard error\n"
          "      --progress           always draw the progress line\n"
          "      --no-progress        never draw it (default: only at a terminal)\n"
          "      --flow-memcap SIZE   memory for the flow table (default 128M)\n"
          "      --defrag-memcap SIZE memory for IP fragment reassembly (default 32M)\n"
          "      --stream-memcap SIZE out-of-order TCP bytes held (default 64M)\n"
          "      --app-memcap SIZE    protocol parser state (default 64M)\n"
          "      --flows-only         track flows only: no TCP reassembly, no protocol\n"
          "                           parsers, only flow events (and flow alerts)\n"
          "      --intel FILE         also match the indicators in FILE (STIX bundle,\n"
          "                           MISP event or feed, CSV list) for this run only;\n"
          "                           may be repeated\n"
          "      --data-dir DIR       where the intel store is (default: $HRADBA_DATA_DIR,\n"
          "                           else ~/.local/share/hradba); its active indicators\n"
          "                           are matched and hits written as alert events\n"
          "      --no-intel-store     do not load the intel store\n"
          "      --no-detectors       no behaviour detectors (beaconing, DNS tunnelling,\n"
          "                           exfiltration, rare, long, lateral, host model)\n"
          "      --detect-config FILE detector thresholds and home networks, 'key = value'\n"
          "                           lines (docs/detectors.md)\n"
          "      --detect-set KEY=VALUE  one detector setting; may be repeated, applied\n"
          "                           after --detect-config\n"
          "      --detect-state FILE  restore the detectors' baselines from FILE when it\n"
          "                           exists, and save them there at the end\n"
          "      --detect-config-help print every detector setting with its default as a\n"
          "                           commented config file, and exit\n"
          "  -h, --help               show this help\n"
          "\n"
          "exit status: 0 all input read and all events written; 2 usage error;\n"
          "3 an input was missing, not a capture, truncated or corrupt (the rest\n"
          "was processed); 4 events, statistics or detector state could not be\n"
          "written; 1 fatal.\n",
          out);
}

static int parse_size_opt(const char *name, const char *arg, size_t *out)
{
    uint64_t v;
    if (size_arg_parse(arg, &v) != 0 || v > SIZE_MAX) {
        fprintf(stderr, "hradba read: --%s: '%s' is not a size (try 64M or 1G)\n", name, arg);
        return -EINVAL;
    }
    *out = (size_t)v;
    return 0;
}

static void read_warn(const char *msg)
{
    fprintf(stderr, "hradba read: warning: %s\n", msg);
}

/* --detect-set KEY=VALUE, after the config file whatever the order given. */
static int read_detect_sets(struct behaviour_config *cfg, const char *const *sets, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char key[128], err[512];
        const char *eq = strchr(sets[i], '=');
        if (!eq || eq == sets[i] || (size_t)(eq - sets[i]) >= sizeof(key)) {
            fprintf(stderr, "hradba read: --detect-set: '%s' is not KEY=VALUE\n", sets[i]);
            return -EINVAL;
        }
        memcpy(key, sets[i], (size_t)(eq - sets[i]));
        key[eq - sets[i]] = '\0';
        if (behaviour_config_set(cfg, key, eq + 1, err, sizeof(err)) != 0) {
            fprintf(stderr, "hradba read: --detect-set: %s\n", err);
            return -EINVAL;
        }
    }
    return 0;
}

/* Returns -1 to continue, or an exit code to return now. */
static int read_parse(int argc, char **argv, struct read_opts *o)
{
    enum {
        OPT_STATS = 256,
        OPT_PROGRESS,
        OPT_NO_PROGRESS,
        OPT_FLOW_MEMCAP,
        OPT_DEFRAG_MEMCAP,
        OPT_STREAM_MEMCAP,
        OPT_APP_MEMCAP,
        OPT_FLOWS_ONLY,
        OPT_INTEL,
        OPT_DATA_DIR,
        OPT_NO_INTEL_STORE,
        OPT_NO_DETECTORS,
        OPT_DETECT_CONFIG,
        OPT_DETECT_SET,
        OPT_DETECT_STATE,
        OPT_DETECT_CONFIG_HELP,
    };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"stats", required_argument, NULL, OPT_STATS},
        {"quiet", no_argument, NULL, 'q'},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"flow-memcap", required_argument, NULL, OPT_FLOW_MEMCAP},
        {"defrag-memcap", required_argument, NULL, OPT_DEFRAG_MEMCAP},
        {"stream-memcap", required_argument, NULL, OPT_STREAM_MEMCAP},
        {"app-memcap", required_argument, NULL, OPT_APP_MEMCAP},
        {"flows-only", no_argument, NULL, OPT_FLOWS_ONLY},
        {"intel", required_argument, NULL, OPT_INTEL},
        {"data-dir", required_argument, NULL, OPT_DATA_DIR},
        {"no-intel-store", no_argument, NULL, OPT_NO_INTEL_STORE},
        {"no-detectors", no_argument, NULL, OPT_NO_DETECTORS},
        {"detect-config", required_argument, NULL, OPT_DETECT_CONFIG},
        {"detect-set", required_argument, NULL, OPT_DETECT_SET},
        {"detect-state", required_argument, NULL, OPT_DETECT_STATE},
        {"detect-config-help", no_argument, NULL, OPT_DETECT_CONFIG_HELP},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof(*o));
    o->progress = -1;
    worker_config_default(&o->wcfg);
    o->intel.use_store = true;
    o->intel.files = o->intel_files;
    behaviour_config_default(&o->detect);
    const char *detect_sets[64];
    size_t n_detect_sets = 0;
    char err[512];
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case OPT_STATS:
            o->stats_path = optarg;
            break;
        case 'q':
            o->is_quiet = true;
            break;
        case OPT_PROGRESS:
            o->progress = 1;
            break;
        case OPT_NO_PROGRESS:
            o->progress = 0;
            break;
        case OPT_FLOW_MEMCAP:
            if (parse_size_opt("flow-memcap", optarg, &o->wcfg.flow.memcap) != 0)
                return EXIT_CODE_USAGE;
            break;
        case OPT_DEFRAG_MEMCAP:
            if (parse_size_opt("defrag-memcap", optarg, &o->wcfg.decode.defrag_memcap) != 0)
                return EXIT_CODE_USAGE;
            break;
        case OPT_STREAM_MEMCAP:
            if (parse_size_opt("stream-memcap", optarg, &o->wcfg.app.stream.memcap) != 0)
                return EXIT_CODE_USAGE;
            break;
        case OPT_APP_MEMCAP:
            if (parse_size_opt("app-memcap", optarg, &o->wcfg.app.parser_memcap) != 0)
                return EXIT_CODE_USAGE;
            break;
        case OPT_FLOWS_ONLY:
            o->wcfg.is_flows_only = true;
            break;
        case OPT_INTEL:
            if (o->intel.n_files == READ_MAX_INTEL_FILES) {
                fprintf(stderr, "hradba read: at most %d --intel files\n", READ_MAX_INTEL_FILES);
                return EXIT_CODE_USAGE;
            }
            o->intel_files[o->intel.n_files++] = optarg;
            break;
        case OPT_DATA_DIR:
            o->intel.data_dir = optarg;
            break;
        case OPT_NO_INTEL_STORE:
            o->intel.use_store = false;
            break;
        case OPT_NO_DETECTORS:
            o->is_detect_off = true;
            break;
        case OPT_DETECT_CONFIG:
            if (behaviour_config_load(&o->detect, optarg, err, sizeof(err)) != 0) {
                fprintf(stderr, "hradba read: --detect-config: %s\n", err);
                return EXIT_CODE_USAGE;
            }
            break;
        case OPT_DETECT_SET:
            if (n_detect_sets == sizeof(detect_sets) / sizeof(detect_sets[0])) {
                fputs("hradba read: too many --detect-set\n", stderr);
                return EXIT_CODE_USAGE;
            }
            detect_sets[n_detect_sets++] = optarg;
            break;
        case OPT_DETECT_STATE:
            o->wcfg.behaviour_state = optarg;
            break;
        case OPT_DETECT_CONFIG_HELP:
            behaviour_config_write(&o->detect, stdout);
            return EXIT_CODE_OK;
        case 'h':
            read_usage(stdout);
            return EXIT_CODE_OK;
        default:
            fputs("Try 'hradba read --help'.\n", stderr);
            return EXIT_CODE_USAGE;
        }
    }
    if (read_detect_sets(&o->detect, detect_sets, n_detect_sets) != 0)
        return EXIT_CODE_USAGE;
    if (!o->is_detect_off)
        o->wcfg.behaviour = &o->detect;
    o->wcfg.warn = read_warn;
    if (optind >= argc) {
        fputs("hradba read: no capture given\n", stderr);
        read_usage(stderr);
        return EXIT_CODE_USAGE;
    }
    return -1;
}

static void read_on_error(void *ctx, const char *path, uint64_t offset, const char *msg)
{
    (void)ctx;
    if (offset == UINT64_MAX)
        fprintf(stderr, "hradba read: %s: %s\n", path, msg);
    else
        fprintf(stderr, "hradba read: %s: at byte offset %" PRIu64 ": %s\n", path, offset, msg);
}

static void read_summary(const struct counter_view *v, size_t n, const struct stats_run *run)
{
    uint64_t opened = stats_report_value(v, n, "capture", "files.opened");
    uint64_t failed = stats_report_value(v, n, "capture", "files.failed");
    char failed_txt[48] = "";
    if (failed)
        snprintf(failed_txt, sizeof(failed_txt), " (%" PRIu64 " with errors, see above)", failed);
    fprintf(stderr,
            "hradba read: %" PRIu64 " input%s read%s, %" PRIu64 " packets, %" PRIu64
            " bytes in %.2f s; %" PRIu64 " flows (%" PRIu64 " evicted); %" PRIu64
            " invalid, %" PRIu64 " not IP; %" PRIu64 " alerts; peak memory %" PRIu64 " KiB\n",
            opened, opened == 1 ? "" : "s", failed_txt,
            stats_report_value(v, n, "packets", "packets"),
            stats_report_value(v, n, "packets", "bytes"), run->elapsed_s,
            stats_report_value(v, n, "flow", "flows.created"),
            stats_report_value(v, n, "flow", "flows.evicted"),
            stats_report_value(v, n, "packets", "packets.invalid"),
            stats_report_value(v, n, "packets", "packets.not_ip"),
            stats_report_value(v, n, "packets", "alerts"), run->rss_max_kb);
}

/* Feeds every frame to the worker; returns the number of frames. */
static uint64_t read_loop(struct capture_set *cs, struct worker *w, struct progress *pr)
{
    struct capture_frame fr;
    uint64_t n = 0;
    while (capture_set_next(cs, &fr) == CAPTURE_FRAME) {
        worker_frame(w, fr.ts_us, fr.data, fr.caplen, fr.wirelen, fr.linktype, fr.frame_no);
        if ((++n & 0x3fff) == 0)
            progress_update(pr, capture_set_bytes_read(cs), capture_set_bytes_total(cs),
                            worker_packets(w), worker_flows_active(w));
    }
    return n;
}

static void read_free_intel(void *set)
{
    intel_set_free(set);
}

int cmd_read(int argc, char **argv)
{
    struct read_opts o;
    int rc = read_parse(argc, argv, &o);
    if (rc >= 0)
        return rc;

    struct progress pr;
    struct eve_sink *sink = NULL;
    struct worker *w = NULL;
    struct capture_set *cs = NULL;
    struct intel_set *intel = NULL;
    struct qsbr *intel_ref = NULL;
    o.intel.is_quiet = o.is_quiet;
    rc = intel_load(&o.intel, &intel);
    if (rc != 0)
        return rc;
    if (intel) {
        intel_ref = qsbr_new(1, read_free_intel);
        if (!intel_ref || qsbr_publish(intel_ref, intel) != 0) {
            fputs("hradba read: out of memory\n", stderr);
            qsbr_free(intel_ref);
            intel_set_free(intel);
            return EXIT_CODE_FATAL;
        }
        o.wcfg.intel = intel_ref;
    }
    /* The run's clock starts after the intelligence is loaded, so the
     * summary's time and rate are the reading alone. */
    progress_init(&pr, o.progress);
    rc = EXIT_CODE_FATAL;

    sink = eve_sink_open(o.output);
    if (!sink) {
        fprintf(stderr, "hradba read: cannot open output %s: %s\n", o.output ? o.output : "-",
                strerror(errno));
        rc = EXIT_CODE_OUTPUT;
        goto done;
    }
    char err[512];
    w = worker_new(&o.wcfg, sink, err, sizeof(err));
    if (!w) {
        fprintf(stderr, "hradba read: %s\n", err);
        goto done;
    }
    cs = capture_set_open((const char *const *)argv + optind, (size_t)(argc - optind),
                          read_on_error, NULL);
    if (!cs) {
        fputs("hradba read: out of memory opening inputs\n", stderr);
        goto done;
    }
    read_loop(cs, w, &pr);
    int state_rc = worker_flush(w, err, sizeof(err));
    progress_done(&pr);

    rc = capture_set_errors(cs) ? EXIT_CODE_INPUT : EXIT_CODE_OK;
    if (state_rc != 0) {
        fprintf(stderr, "hradba read: %s\n", err);
        rc = EXIT_CODE_OUTPUT;
    }
    int out_rc = eve_sink_flush(sink);
    if (out_rc != 0) {
        fprintf(stderr, "hradba read: writing events to %s failed: %s\n",
                o.output ? o.output : "standard output", strerror(-out_rc));
        rc = EXIT_CODE_OUTPUT;
    }

    struct counter_view views[READ_MAX_VIEWS];
    size_t nv = 0;
    views[nv++] = capture_set_counters(cs);
    nv += worker_counter_views(w, views + nv, READ_MAX_VIEWS - nv - 1);
    if (intel)
        views[nv++] = intel_set_counters(intel);
    struct stats_run run = {.exit_code = rc};
    stats_run_measure(&run, pr.start_ns, progress_now_ns());
    if (!o.is_quiet)
        read_summary(views, nv, &run);
    if (o.stats_path) {
        int src = stats_report_write_json(o.stats_path, &run, views, nv);
        if (src != 0) {
            fprintf(stderr, "hradba read: cannot write statistics to %s: %s\n", o.stats_path,
                    strerror(-src));
            rc = EXIT_CODE_OUTPUT;
        }
    }
done:
    capture_set_close(cs);
    worker_free(w);
    qsbr_free(intel_ref); /* and the intel set in it */
    if (sink) {
        int close_rc = eve_sink_close(sink);
        if (close_rc != 0 && rc == EXIT_CODE_OK)
            rc = EXIT_CODE_OUTPUT;
    }
    return rc;
}
