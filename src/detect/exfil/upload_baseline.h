/* upload_baseline.h — what a host usually uploads in an hour: the median and
 * the median absolute deviation (MAD) of ln(1 + bytes) over its last active
 * hours.
 *
 * A fixed ring of the last UPLOAD_BASELINE_HOURS hours in which the host
 * uploaded at all (idle hours are not samples), quantised to 1/1024 of a
 * natural-log unit (0.1 % of volume), so a host's whole history is a few
 * hundred bytes of plain data that a bhv_table saves as it is. Median and
 * MAD are exact over the ring (Hampel 1974), recomputed when an hour is
 * added, not when one is judged.
 */
#ifndef HRADBA_DETECT_EXFIL_UPLOAD_BASELINE_H
#define HRADBA_DETECT_EXFIL_UPLOAD_BASELINE_H

#include <stdint.h>

/* A week of hours for a host busy around the clock, two to three weeks of
 * working days for an office machine. */
enum { UPLOAD_BASELINE_HOURS = 168 };

struct upload_baseline {
    uint16_t ring[UPLOAD_BASELINE_HOURS]; /* ln(1 + bytes) * 1024, oldest overwritten */
    uint16_t len, next;                   /* samples held; where the next goes */
    uint32_t hours_total;                 /* hours ever added, for the record */
    float median_ln, mad_ln;              /* of the ring; 0 while empty */
};

/* Adds one active hour's upload and recomputes median and MAD. */
void upload_baseline_add(struct upload_baseline *b, uint64_t bytes);

#endif
