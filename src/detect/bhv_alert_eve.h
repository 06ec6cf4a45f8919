/* bhv_alert_eve.h — a behaviour alert as an EVE "alert" event (docs/events.md). */
#ifndef HRADBA_DETECT_BHV_ALERT_EVE_H
#define HRADBA_DETECT_BHV_ALERT_EVE_H

#include "detect/bhv.h"
#include "output/json_buf.h"

/* Appends one whole event line (newline included) to b: Suricata's alert
 * layout (gid 9001, ATT&CK ids in alert.metadata.mitre_technique_id) and a
 * "behaviour" object with the score, its parts, what was observed and what
 * is normal for the host. */
void bhv_alert_eve_format(struct json_buf *b, const struct bhv_alert *a);

#endif
