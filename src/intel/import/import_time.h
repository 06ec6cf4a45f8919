/* import_time.h — timestamps of imported intelligence, as microseconds since
 * the Unix epoch (struct intel_indicator).
 *
 * STIX 2.1 section 3.2: RFC 3339 in UTC with a 'Z', "YYYY-MM-DDTHH:MM:SS[.s+]Z",
 * read strictly (calendar checked, digits beyond microseconds truncated).
 * MISP writes epoch seconds ("1513948642") and ISO 8601 with an offset
 * ("2019-06-19T18:33:44.123456+02:00"), read here too.
 */
#ifndef HRADBA_INTEL_IMPORT_TIME_H
#define HRADBA_INTEL_IMPORT_TIME_H

#include <stddef.h>
#include <stdint.h>

/* Strict STIX timestamp. 0, or -EINVAL when s is not one. */
int import_time_parse_stix(const char *s, int64_t *out_us);
/* ISO 8601 date-time with 'Z' or a ±HH:MM / ±HHMM offset, 'T' or a space. */
int import_time_parse_iso(const char *s, int64_t *out_us);
/* Decimal epoch seconds (MISP "timestamp"). */
int import_time_parse_epoch(const char *s, int64_t *out_us);
/* The STIX form of t: milliseconds when whole, else microseconds. */
enum { IMPORT_TIME_TEXT_MAX = 80 };
void import_time_format(int64_t t_us, char out[IMPORT_TIME_TEXT_MAX]);

#endif
