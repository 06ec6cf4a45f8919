/* intel_alert_eve.h — the "alert" and "intel" objects of an intelligence hit.
 *
 * "alert" has Suricata's field names so SOC tools that read Suricata alerts
 * read these unchanged; "intel" says which indicator matched what, with its
 * provenance. docs/events.md documents every field.
 */
#ifndef HRADBA_DETECT_INTEL_ALERT_EVE_H
#define HRADBA_DETECT_INTEL_ALERT_EVE_H

#include "detect/intel_detect.h"
#include "output/json_buf.h"

/* The generator id of intelligence alerts (Suricata rules use gid 1). */
#define INTEL_ALERT_GID 9000u

/* Writes "alert": {...} and "intel": {...} into the open event object. */
void intel_alert_eve_format(struct json_buf *b, const struct intel_hit *h);

#endif
