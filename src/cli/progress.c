/* progress.c — "hradba: 45% 1.2M packets 830k pkt/s 3.4k flows" on stderr. */
#include "cli/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_INTERVAL_NS 250000000ull

uint64_t progress_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void progress_init(struct progress *pr, int force)
{
    pr->is_enabled = force < 0 ? isatty(STDERR_FILENO) == 1 : force > 0;
    pr->is_drawn = false;
    pr->start_ns = progress_now_ns();
    pr->next_ns = pr->start_ns + PROGRESS_INTERVAL_NS;
}

/* 1234567 → "1.2M": the line must stay short enough for any terminal. */
static void human(char *out, size_t n, double v)
{
    static const char suffix[] = {'\0', 'k', 'M', 'G', 'T'};
    unsigned i = 0;
    while (v >= 1000.0 && i < sizeof(suffix) - 1) {
        v /= 1000.0;
        i++;
    }
    if (i == 0)
        snprintf(out, n, "%.0f", v);
    else
        snprintf(out, n, "%.1f%c", v, suffix[i]);
}

void progress_update(struct progress *pr, uint64_t bytes_done, uint64_t bytes_total,
                     uint64_t packets, uint64_t flows_active)
{
    if (!pr->is_enabled)
        return;
    uint64_t now = progress_now_ns();
    if (now < pr->next_ns)
        return;
    pr->next_ns = now + PROGRESS_INTERVAL_NS;
    double secs = (double)(now - pr->start_ns) / 1e9;
    char pk[16], rate[16], fl[16], pct[16] = "";
    human(pk, sizeof(pk), (double)packets);
    human(rate, sizeof(rate), secs > 0 ? (double)packets / secs : 0.0);
    human(fl, sizeof(fl), (double)flows_active);
    if (bytes_total > 0 && bytes_done <= bytes_total)
        snprintf(pct, sizeof(pct), "%3.0f%% ", 100.0 * (double)bytes_done / (double)bytes_total);
    fprintf(stderr, "\rhradba: %s%s packets, %s pkt/s, %s flows open \033[K", pct, pk, rate, fl);
    pr->is_drawn = true;
}

void progress_done(struct progress *pr)
{
    if (pr->is_drawn)
        fprintf(stderr, "\r\033[K");
    pr->is_drawn = false;
}
