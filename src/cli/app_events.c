/* app_events.c — which parsers a worker runs, and how their records become
 * EVE events.
 *
 * The one table that names every protocol parser and its formatter, so the
 * app layer knows no parser and the parsers know no output.
 */
#include "cli/app_events.h"

#include "detect/intel_alert_eve.h"
#include "flow/app_proto.h"
#include "output/eve_flow.h"
#include "proto/dns/dns_eve.h"
#include "proto/dns/dns_parser.h"
#include "proto/dns/dns_record.h"
#include "proto/file/fileinfo.h"
#include "proto/file/fileinfo_eve.h"
#include "proto/ftp/ftp_parser.h"
#include "proto/http/http_eve.h"
#include "proto/http/http_parser.h"
#include "proto/imap/imap_eve.h"
#include "proto/imap/imap_parser.h"
#include "proto/mysql/mysql_parser.h"
#include "proto/pop3/pop3_eve.h"
#include "proto/pop3/pop3_parser.h"
#include "proto/quic/quic_eve.h"
#include "proto/quic/quic_parser.h"
#include "proto/smtp/smtp_eve.h"
#include "proto/smtp/smtp_parser.h"
#include "proto/socks/socks_eve.h"
#include "proto/socks/socks_parser.h"
#include "proto/tls/tls_eve.h"
#include "proto/tls/tls_parser.h"
/* @includes: one line per protocol header, kept sorted */

static const struct app_layer_entry app_events_entries[] = {
    {&dns_udp_parser, {53, 5353, 5355, 0}}, {&dns_tcp_parser, {53, 0, 0, 0}},
    {&imap_parser, {143, 0, 0, 0}},         {&pop3_parser, {110, 0, 0, 0}},
    {&tls_parser, {443, 8443, 993, 995}},   {&quic_parser, {443, 0, 0, 0}},
    {&smtp_parser, {25, 587, 2525, 0}},     {&http_parser, {80, 8080, 8000, 3128}},
    {&socks_parser, {1080, 9050, 0, 0}},    {&ftp_parser, {21, 0, 0, 0}},
    {&mysql_parser, {3306, 0, 0, 0}},
    /* @entries: one line per parser, with its port hints */
};

void app_events_configure(struct app_layer_config *cfg)
{
    cfg->entries = app_events_entries;
    cfg->n_entries = sizeof(app_events_entries) / sizeof(app_events_entries[0]);
    cfg->tls = &tls_parser;
}

static void app_events_open(struct json_buf *b, const struct flow *f, const char *type,
                            enum flow_dir dir, uint64_t ts_us)
{
    json_buf_reset(b);
    json_buf_open_object(b, NULL);
    eve_flow_header_dir(b, f, ts_us, type, NULL, dir);
}

static int app_events_close(struct json_buf *b, struct eve_sink *sink)
{
    json_buf_close_object(b);
    json_buf_newline(b);
    if (!json_buf_ok(b))
        return -1;
    return eve_sink_write(sink, b->data, b->len) == 0 ? 1 : -1;
}

static const char *app_anomaly_proto(enum app_proto p)
{
    const char *name = app_proto_name(p);
    return name ? name : "unknown";
}

/* Suricata's EVE: one request event per question, one answer event per
 * response (the server as src). */
static int app_events_dns(struct json_buf *b, struct eve_sink *sink, const struct flow *f,
                          const struct dns_record *r, enum flow_dir dir, uint64_t ts_us)
{
    if (r->is_response || r->question_count == 0) {
        app_events_open(b, f, "dns", dir, ts_us);
        dns_eve_format(b, r);
        return app_events_close(b, sink);
    }
    int n = 0;
    for (size_t i = 0; i < r->question_count; i++) {
        app_events_open(b, f, "dns", dir, ts_us);
        dns_eve_format_query(b, r, i);
        int rc = app_events_close(b, sink);
        if (rc < 0)
            return rc;
        n += rc;
    }
    return n;
}

/* Suricata's event name and the direction its src/dest are written in. */
static const char *app_events_name(enum app_record type, const void *record, enum flow_dir *dir)
{
    switch (type) {
    case APP_RECORD_DNS:
        return "dns";
    case APP_RECORD_TLS: /* Suricata writes the client as src */
        *dir = FLOW_TOSERVER;
        return "tls";
    case APP_RECORD_QUIC: /* one per connection: the client is the source */
        *dir = FLOW_TOSERVER;
        return "quic";
    case APP_RECORD_SMTP: /* one per mail transaction: the client is the source */
        *dir = FLOW_TOSERVER;
        return "smtp";
    case APP_RECORD_HTTP: /* one per transaction: the client is the source, as in Suricata */
        *dir = FLOW_TOSERVER;
        return "http";
    case APP_RECORD_FILEINFO: /* the sender of the file is the source */
        *dir = ((const struct fileinfo_record *)record)->dir;
        return "fileinfo";
    case APP_RECORD_SOCKS: /* one per handshake: the client is the source */
        *dir = FLOW_TOSERVER;
        return "socks";
    /* Session summaries, written at the end: the client is the source. */
    case APP_RECORD_IMAP:
        *dir = FLOW_TOSERVER;
        return "imap";
    case APP_RECORD_POP3:
        *dir = FLOW_TOSERVER;
        return "pop3";
    case APP_RECORD_ANOMALY:
        *dir = ((const struct app_anomaly *)record)->dir;
        return "anomaly";
    /* @names: one case per record type */
    default:
        return NULL; /* a record type whose writer is not wired yet */
    }
}

/* The event's own fields after the common header: one object per protocol,
 * as Suricata nests them. An alert about the event carries the same. */
static void app_events_body(struct json_buf *b, enum app_record type, const void *record)
{
    switch (type) {
    case APP_RECORD_DNS:
        dns_eve_format(b, record);
        break;
    case APP_RECORD_TLS:
        tls_eve_format(b, record);
        break;
    case APP_RECORD_QUIC:
        quic_eve_format(b, record);
        break;
    case APP_RECORD_SMTP:
        smtp_eve_format(b, record);
        break;
    case APP_RECORD_HTTP:
        json_buf_u64(b, "tx_id", ((const struct http_record *)record)->tx_id);
        http_eve_format(b, record);
        break;
    case APP_RECORD_FILEINFO: {
        const struct fileinfo_record *r = record;
        if (r->parent && r->parent_type == APP_RECORD_HTTP)
            http_eve_format(b, r->parent);
        json_buf_string(b, "app_proto", app_anomaly_proto(r->proto));
        fileinfo_eve_format(b, r);
        break;
    }
    case APP_RECORD_SOCKS:
        socks_eve_format(b, record);
        break;
    case APP_RECORD_IMAP:
        imap_eve_format(b, record);
        break;
    case APP_RECORD_POP3:
        pop3_eve_format(b, record);
        break;
    case APP_RECORD_ANOMALY: {
        const struct app_anomaly *a = record;
        json_buf_string(b, "app_proto", app_anomaly_proto(a->proto));
        json_buf_open_object(b, "anomaly");
        json_buf_string(b, "app_proto", app_anomaly_proto(a->proto));
        json_buf_string(b, "type", "applayer");
        json_buf_string(b, "event", a->event);
        json_buf_string(b, "layer", "proto_parser");
        json_buf_close_object(b);
        break;
    }
    /* @bodies: one case per record type */
    default:
        break;
    }
}

int app_events_write(struct json_buf *b, struct eve_sink *sink, const struct flow *f,
                     enum app_record type, const void *record, enum flow_dir dir, uint64_t ts_us)
{
    if (type == APP_RECORD_DNS)
        return app_events_dns(b, sink, f, record, dir, ts_us);
    const char *name = app_events_name(type, record, &dir);
    if (!name)
        return 0;
    app_events_open(b, f, name, dir, ts_us);
    app_events_body(b, type, record);
    return app_events_close(b, sink);
}

int app_events_write_alerts(struct json_buf *b, struct eve_sink *sink, const struct flow *f,
                            enum app_record type, const void *record, enum flow_dir dir,
                            uint64_t ts_us, const struct intel_hit *hits, size_t n)
{
    int written = 0;
    const char *name = record ? app_events_name(type, record, &dir) : NULL;
    for (size_t i = 0; i < n; i++) {
        app_events_open(b, f, "alert", dir, ts_us);
        intel_alert_eve_format(b, &hits[i]);
        if (f->app_proto)
            json_buf_string(b, "app_proto", app_anomaly_proto(f->app_proto));
        if (name)
            app_events_body(b, type, record);
        int rc = app_events_close(b, sink);
        if (rc < 0)
            return rc;
        written += rc;
    }
    return written;
}
