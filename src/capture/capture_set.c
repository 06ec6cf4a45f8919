/* capture_set.c — several capture files merged into one timestamp order.
 *
 * A binary min-heap holds the inputs whose next ("head") frame is known,
 * keyed by (ts_us, source). Files are only mostly ordered, so nothing is
 * re-sorted inside a file: one head per file is enough and no frame bytes are
 * copied (a head points into its own libpcap buffer). Not a reader of any
 * format itself: pcap_file.c is.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/capture.h"
#include "capture/pcap_file.h"

#define CAPTURE_COUNTERS(X)                                                                        \
    X(CAPTURE_FILES_OPENED, "files.opened")                                                        \
    X(CAPTURE_FILES_FAILED, "files.failed")                                                        \
    X(CAPTURE_FILES_SKIPPED, "files.skipped")                                                      \
    X(CAPTURE_FRAMES, "frames")                                                                    \
    X(CAPTURE_BYTES, "bytes")                                                                      \
    X(CAPTURE_FRAMES_TRUNCATED, "frames.truncated")                                                \
    X(CAPTURE_FRAMES_OUT_OF_ORDER, "frames.out_of_order")                                          \
    X(CAPTURE_FRAMES_EMPTY, "frames.empty")                                                        \
    X(CAPTURE_FRAMES_CLIPPED, "frames.clipped")                                                    \
    X(CAPTURE_FRAMES_CAPLEN_OVER_WIRELEN, "frames.caplen_over_wirelen")                            \
    X(CAPTURE_RECORDS_SKIPPED, "records.skipped")                                                  \
    X(CAPTURE_ERRORS, "errors")

enum capture_counter { CAPTURE_COUNTERS(COUNTER_ENUM) CAPTURE_COUNTER_COUNT };
static const char *const capture_counter_names[] = {CAPTURE_COUNTERS(COUNTER_NAME)};

struct capture_input {
    char *path;
    struct pcap_file *file;      /* NULL once exhausted or broken */
    struct pcap_file_frame head; /* valid while is_queued */
    bool is_queued;
    bool has_reported_clip;  /* one message per file; the counter has the rest */
    uint64_t quiet_skips;    /* skipped records not reported one by one */
    uint64_t size;           /* 0 when unknown */
    uint64_t final_position; /* bytes consumed, once file is NULL */
};

struct capture_set {
    capture_error_fn on_error;
    void *ctx;
    struct capture_input *inputs;
    size_t count, cap;
    size_t *heap; /* indices into inputs; heap_len <= count */
    size_t heap_len;
    size_t pending; /* input whose head was last handed out, or SIZE_MAX */
    bool is_started;
    bool has_stdin;
    bool has_unknown_size;
    uint64_t counters[CAPTURE_COUNTER_COUNT];
};

static void report(struct capture_set *s, const char *path, uint64_t offset, const char *msg)
{
    s->counters[CAPTURE_ERRORS]++;
    if (s->on_error)
        s->on_error(s->ctx, path, offset, msg);
}

/* ---- heap of inputs by (head timestamp, source index) ---- */

static bool heap_less(const struct capture_set *s, size_t a, size_t b)
{
    uint64_t ta = s->inputs[a].head.frame.ts_us, tb = s->inputs[b].head.frame.ts_us;
    return ta < tb || (ta == tb && a < b);
}

static void heap_swap(struct capture_set *s, size_t i, size_t j)
{
    size_t t = s->heap[i];
    s->heap[i] = s->heap[j];
    s->heap[j] = t;
}

static void heap_push(struct capture_set *s, size_t input)
{
    size_t i = s->heap_len++;
    s->heap[i] = input;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!heap_less(s, s->heap[i], s->heap[parent]))
            break;
        heap_swap(s, i, parent);
        i = parent;
    }
}

static size_t heap_pop(struct capture_set *s)
{
    size_t top = s->heap[0];
    s->heap[0] = s->heap[--s->heap_len];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < s->heap_len && heap_less(s, s->heap[l], s->heap[m]))
            m = l;
        if (r < s->heap_len && heap_less(s, s->heap[r], s->heap[m]))
            m = r;
        if (m == i)
            break;
        heap_swap(s, i, m);
        i = m;
    }
    return top;
}

/* ---- inputs ---- */

static int grow(struct capture_set *s)
{
    if (s->count < s->cap)
        return 0;
    if (s->count >= UINT32_MAX) /* capture_frame.source is 32 bits */
        return -ENOMEM;
    size_t ncap = s->cap ? s->cap * 2 : 8;
    struct capture_input *ni = realloc(s->inputs, ncap * sizeof(*ni));
    if (!ni)
        return -ENOMEM;
    s->inputs = ni;
    size_t *nh = realloc(s->heap, ncap * sizeof(*nh));
    if (!nh)
        return -ENOMEM;
    s->heap = nh;
    s->cap = ncap;
    return 0;
}

/* Takes an opened file (or NULL with why) and records it as an input. */
static int add_file(struct capture_set *s, const char *path, struct pcap_file *f,
                    const struct pcap_file_problem *why)
{
    if (!f) {
        if (why->msg[0] == '\0')
            return -ENOMEM;
        s->counters[CAPTURE_FILES_FAILED]++;
        report(s, path, why->offset, why->msg);
        return -EINVAL;
    }
    char *copy = strdup(path);
    if (!copy || grow(s) != 0) {
        free(copy);
        pcap_file_close(f);
        return -ENOMEM;
    }
    struct capture_input *in = &s->inputs[s->count++];
    memset(in, 0, sizeof(*in));
    in->path = copy;
    in->file = f;
    in->size = pcap_file_size(f);
    if (in->size == 0)
        s->has_unknown_size = true;
    s->counters[CAPTURE_FILES_OPENED]++;
    return 0;
}

struct capture_set *capture_set_new(capture_error_fn on_error, void *ctx)
{
    struct capture_set *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->on_error = on_error;
    s->ctx = ctx;
    s->pending = SIZE_MAX;
    return s;
}

int capture_set_add_stream(struct capture_set *s, FILE *fp, const char *name)
{
    if (s->is_started) {
        if (fp != stdin)
            fclose(fp);
        return -EBUSY;
    }
    struct pcap_file_problem why;
    struct pcap_file *f = pcap_file_open_stream(fp, &why);
    return add_file(s, name, f, &why);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when the directory entry p is a capture to read, 0 when it is skipped,
 * -1 when it is unreadable (reported). */
static int dir_entry_is_capture(struct capture_set *s, const char *p)
{
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
        s->counters[CAPTURE_FILES_SKIPPED]++; /* subdirectories: one level only */
        return 0;
    }
    int sniff = pcap_file_sniff(p);
    if (sniff < 0) {
        s->counters[CAPTURE_FILES_FAILED]++;
        report(s, p, UINT64_MAX, strerror(-sniff));
        return -1;
    }
    if (sniff == 0)
        s->counters[CAPTURE_FILES_SKIPPED]++;
    return sniff;
}

/* Lists dir's capture files, sorted by name; the rest are counted. */
static int list_dir(struct capture_set *s, const char *dir, char ***out, size_t *n_out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -errno;
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ".", ".." and hidden files */
        char *p = NULL;
        size_t dlen = strlen(dir);
        const char *sep = dlen && dir[dlen - 1] == '/' ? "" : "/";
        if (asprintf(&p, "%s%s%s", dir, sep, de->d_name) < 0)
            goto fail;
        if (dir_entry_is_capture(s, p) != 1) {
            free(p);
            continue;
        }
        char **nn = realloc(names, (n + 1) * sizeof(*names));
        if (!nn) {
            free(p);
            goto fail;
        }
        names = nn;
        names[n++] = p;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_names);
    *out = names;
    *n_out = n;
    return 0;
fail:
    closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return -ENOMEM;
}

static int add_dir(struct capture_set *s, const char *dir)
{
    char **names = NULL;
    size_t n = 0;
    int rc = list_dir(s, dir, &names, &n);
    if (rc == -ENOMEM)
        return rc;
    if (rc != 0) {
        s->counters[CAPTURE_FILES_FAILED]++;
        report(s, dir, UINT64_MAX, strerror(-rc));
        return rc;
    }
    if (n == 0)
        report(s, dir, UINT64_MAX,
               "directory holds no pcap or pcapng files (none is read "
               "from its subdirectories)");
    size_t added = 0;
    bool is_oom = false;
    for (size_t i = 0; i < n; i++) {
        if (!is_oom) {
            struct pcap_file_problem why;
            struct pcap_file *f = pcap_file_open(names[i], &why);
            int one = add_file(s, names[i], f, &why);
            is_oom = one == -ENOMEM;
            added += one == 0;
        }
        free(names[i]);
    }
    free(names);
    if (is_oom)
        return -ENOMEM;
    return added ? 0 : -ENOENT;
}

int capture_set_add_path(struct capture_set *s, const char *path)
{
    if (s->is_started)
        return -EBUSY;
    if (strcmp(path, "-") == 0) {
        if (s->has_stdin) {
            report(s, path, UINT64_MAX, "standard input given twice; read once");
            return -EINVAL;
        }
        s->has_stdin = true;
    }
    struct stat st;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return add_dir(s, path);
    struct pcap_file_problem why;
    struct pcap_file *f = pcap_file_open(path, &why);
    return add_file(s, path, f, &why);
}

struct capture_set *capture_set_open(const char *const *paths, size_t n_paths,
                                     capture_error_fn on_error, void *ctx)
{
    struct capture_set *s = capture_set_new(on_error, ctx);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n_paths; i++) {
        if (capture_set_add_path(s, paths[i]) == -ENOMEM) {
            capture_set_close(s);
            return NULL;
        }
    }
    return s;
}

void capture_set_close(struct capture_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++) {
        pcap_file_close(s->inputs[i].file);
        free(s->inputs[i].path);
    }
    free(s->inputs);
    free(s->heap);
    free(s);
}

/* ---- reading ---- */

static void retire(struct capture_set *s, struct capture_input *in)
{
    if (in->quiet_skips) {
        char msg[160];
        snprintf(msg, sizeof(msg),
                 "%" PRIu64 " more records on pcapng interfaces libpcap refused were "
                 "skipped (see the first message for this file)",
                 in->quiet_skips);
        report(s, in->path, UINT64_MAX, msg);
    }
    in->final_position = pcap_file_position(in->file);
    pcap_file_close(in->file);
    in->file = NULL;
}

/* Reads input i's next frame into its head and queues it; a finished or
 * broken file is closed at once, so its descriptor and buffer go back. */
static void advance(struct capture_set *s, size_t i)
{
    struct capture_input *in = &s->inputs[i];
    in->is_queued = false;
    if (!in->file)
        return;
    struct pcap_file_problem why;
    enum pcap_file_status st;
    while ((st = pcap_file_next(in->file, &in->head, &why)) == PCAP_FILE_SKIPPED) {
        s->counters[CAPTURE_RECORDS_SKIPPED]++;
        if (why.is_quiet)
            in->quiet_skips++;
        else
            report(s, in->path, why.offset, why.msg);
    }
    if (st == PCAP_FILE_GOT_FRAME) {
        in->head.frame.source = (uint32_t)i;
        in->is_queued = true;
        heap_push(s, i);
        return;
    }
    if (st == PCAP_FILE_BROKEN) {
        s->counters[CAPTURE_FILES_FAILED]++;
        report(s, in->path, why.offset, why.msg);
    }
    retire(s, in);
}

/* Counts a frame as it is handed out (so counters match what was seen). */
static void account(struct capture_set *s, struct capture_input *in)
{
    const struct pcap_file_frame *h = &in->head;
    s->counters[CAPTURE_FRAMES]++;
    s->counters[CAPTURE_BYTES] += h->frame.caplen;
    if (h->frame.caplen < h->frame.wirelen)
        s->counters[CAPTURE_FRAMES_TRUNCATED]++;
    if (h->frame.caplen > h->frame.wirelen)
        s->counters[CAPTURE_FRAMES_CAPLEN_OVER_WIRELEN]++;
    if (h->frame.caplen == 0)
        s->counters[CAPTURE_FRAMES_EMPTY]++;
    if (h->is_out_of_order)
        s->counters[CAPTURE_FRAMES_OUT_OF_ORDER]++;
    if (h->clipped_from == 0)
        return;
    s->counters[CAPTURE_FRAMES_CLIPPED]++;
    if (in->has_reported_clip)
        return;
    in->has_reported_clip = true;
    char msg[256];
    snprintf(msg, sizeof(msg),
             "frame %" PRIu64 ": captured length %" PRIu32 " is over the file's snap "
             "length %d; libpcap cut it to %" PRIu32 " bytes (later ones in this file "
             "are only counted in frames.clipped)",
             h->frame.frame_no, h->clipped_from, h->snaplen, h->frame.caplen);
    report(s, in->path, h->offset, msg);
}

enum capture_next capture_set_next(struct capture_set *s, struct capture_frame *out)
{
    if (!s->is_started) {
        s->is_started = true;
        for (size_t i = 0; i < s->count; i++)
            advance(s, i);
    } else if (s->pending != SIZE_MAX) {
        size_t i = s->pending;
        s->pending = SIZE_MAX;
        advance(s, i); /* only now: the frame handed out last time is released */
    }
    if (s->heap_len == 0)
        return CAPTURE_END;
    size_t i = heap_pop(s);
    struct capture_input *in = &s->inputs[i];
    account(s, in);
    *out = in->head.frame;
    s->pending = i;
    return CAPTURE_FRAME;
}

size_t capture_set_count(const struct capture_set *s)
{
    return s->count;
}

const char *capture_set_path(const struct capture_set *s, size_t source)
{
    return source < s->count ? s->inputs[source].path : NULL;
}

uint64_t capture_set_errors(const struct capture_set *s)
{
    return s->counters[CAPTURE_ERRORS];
}

uint64_t capture_set_bytes_read(const struct capture_set *s)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < s->count; i++) {
        const struct capture_input *in = &s->inputs[i];
        sum += in->file ? pcap_file_position(in->file) : in->final_position;
    }
    return sum;
}

uint64_t capture_set_bytes_total(const struct capture_set *s)
{
    if (s->has_unknown_size)
        return 0;
    uint64_t sum = 0;
    for (size_t i = 0; i < s->count; i++)
        sum += s->inputs[i].size;
    return sum;
}

struct counter_view capture_set_counters(const struct capture_set *s)
{
    struct counter_view v = {"capture", capture_counter_names, s->counters, CAPTURE_COUNTER_COUNT};
    return v;
}
