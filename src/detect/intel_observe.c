/* intel_observe.c — record → observables, one function per record type. */
#include "detect/intel_observe.h"

#include <stdio.h>
#include <string.h>

#include "proto/dns/dns_record.h"
#include "proto/file/fileinfo.h"
#include "proto/http/http_record.h"
#include "proto/mime/mime_list.h"
#include "proto/mime/mime_parser.h"
#include "proto/quic/quic_record.h"
#include "proto/smtp/smtp_record.h"
#include "proto/socks/socks_record.h"
#include "proto/tls/tls_hello.h"
#include "proto/tls/tls_record.h"

static void observe_add(struct intel_observed *o, enum intel_kind kind, const char *field,
                        const char *stix_type, const char *value, size_t len)
{
    if (!value || len == 0)
        return;
    if (o->count == INTEL_OBSERVE_MAX) {
        o->dropped++;
        return;
    }
    o->items[o->count++] = (struct intel_observable){
        .kind = kind, .field = field, .stix_type = stix_type, .value = value, .len = len};
}

static void observe_cstr(struct intel_observed *o, enum intel_kind kind, const char *field,
                         const char *stix_type, const char *value)
{
    if (value)
        observe_add(o, kind, field, stix_type, value, strlen(value));
}

/* Copies into scratch; NULL when full. */
static const char *observe_keep(struct intel_observed *o, const char *s, size_t len)
{
    if (INTEL_OBSERVE_SCRATCH - o->scratch_used < len + 1) {
        o->dropped++;
        return NULL;
    }
    char *p = o->scratch + o->scratch_used;
    memcpy(p, s, len);
    p[len] = '\0';
    o->scratch_used += len + 1;
    return p;
}

/* The addr-spec of "Name <a@b>", "<a@b>" or "a@b": what the matcher keys on. */
static void observe_mailbox(struct intel_observed *o, const char *field, const char *s, size_t len)
{
    if (!s)
        return;
    const char *lt = memrchr(s, '<', len);
    if (lt) {
        const char *gt = memchr(lt, '>', len - (size_t)(lt - s));
        if (!gt)
            return;
        s = lt + 1;
        len = (size_t)(gt - s);
    }
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len && memchr(s, '@', len))
        observe_add(o, INTEL_KIND_EMAIL, field, "email-addr", s, len);
}

void intel_observe_add_ip(struct intel_observed *o, const char *field, const char *text,
                          const uint8_t *addr, int family)
{
    if (o->count == INTEL_OBSERVE_MAX) {
        o->dropped++;
        return;
    }
    struct intel_observable *it = &o->items[o->count++];
    *it = (struct intel_observable){
        .kind = family == 4 ? INTEL_KIND_IPV4 : INTEL_KIND_IPV6,
        .field = field,
        .stix_type = family == 4 ? "ipv4-addr" : "ipv6-addr",
        .value = text,
        .len = strlen(text),
    };
    memcpy(it->addr, addr, family == 4 ? 4 : 16);
}

static void observe_dns(struct intel_observed *o, const struct dns_record *r)
{
    for (size_t i = 0; i < r->question_count; i++)
        observe_cstr(o, INTEL_KIND_DOMAIN, "dns.rrname", "domain-name", r->questions[i].rrname);
    for (size_t i = 0; i < r->answer_count; i++) {
        const struct dns_answer *a = &r->answers[i];
        if (a->kind == DNS_RDATA_ADDR)
            intel_observe_add_ip(o, "dns.answers.rdata", a->rdata, a->u.addr,
                                 a->rrtype == 1 ? 4 : 6);
        else if (a->kind == DNS_RDATA_NAME || a->kind == DNS_RDATA_MX)
            observe_cstr(o, INTEL_KIND_DOMAIN, "dns.answers.rdata", "domain-name", a->rdata);
    }
}

/* "ab:cd:..." → "abcd..." lower case, kept in scratch. */
static const char *observe_uncolon(struct intel_observed *o, const char *s)
{
    char hex[128];
    size_t n = 0;
    for (; *s && n < sizeof(hex); s++)
        if (*s != ':')
            hex[n++] = (char)(*s >= 'A' && *s <= 'F' ? *s - 'A' + 'a' : *s);
    return observe_keep(o, hex, n);
}

static void observe_tls(struct intel_observed *o, const struct tls_record *r)
{
    observe_add(o, INTEL_KIND_DOMAIN, "tls.sni", "domain-name", r->sni, r->sni_len);
    if (r->has_ja3)
        observe_cstr(o, INTEL_KIND_JA3, "tls.ja3.hash", "x-tls-fingerprint", r->ja3_hash);
    if (r->has_ja3s)
        observe_cstr(o, INTEL_KIND_JA3S, "tls.ja3s.hash", "x-tls-fingerprint", r->ja3s_hash);
    if (r->has_ja4)
        observe_cstr(o, INTEL_KIND_JA4, "tls.ja4", "x-tls-fingerprint", r->ja4);
    if (!r->has_cert)
        return;
    const char *sha1 = observe_uncolon(o, r->cert.fingerprint);
    if (sha1 && *sha1)
        observe_cstr(o, INTEL_KIND_SHA1, "tls.fingerprint", "x509-certificate", sha1);
    o->x509_serial = r->cert.serial;
    o->x509_subject = r->cert.subject;
    o->x509_issuer = r->cert.issuerdn;
    for (size_t i = 0; i < r->cert.san_count; i++)
        observe_add(o, INTEL_KIND_DOMAIN, "tls.subjectaltname", "domain-name", r->cert.san[i],
                    r->cert.san_len[i]);
}

static void observe_quic(struct intel_observed *o, const struct quic_record *r)
{
    if (r->client_hello && r->client_hello->sni.p)
        observe_add(o, INTEL_KIND_DOMAIN, "quic.sni", "domain-name",
                    (const char *)r->client_hello->sni.p, r->client_hello->sni.len);
    if (r->has_ja3)
        observe_cstr(o, INTEL_KIND_JA3, "quic.ja3.hash", "x-tls-fingerprint", r->ja3_hash);
    if (r->has_ja4)
        observe_cstr(o, INTEL_KIND_JA4, "quic.ja4", "x-tls-fingerprint", r->ja4);
}

/* The absolute URL of a request: the target when it is absolute already
 * (proxy requests), else http://host[:port] + target. */
static void observe_http_url(struct intel_observed *o, const struct http_record *r)
{
    const struct http_str *u = &r->url;
    if (!u->ptr || !u->len)
        return;
    if (u->len > 7 && (memcmp(u->ptr, "http://", 7) == 0 || memcmp(u->ptr, "https://", 8) == 0)) {
        observe_add(o, INTEL_KIND_URL, "http.url", "url", u->ptr, u->len);
        return;
    }
    if (!r->hostname.len || u->ptr[0] != '/')
        return;
    char buf[INTEL_MATCH_URL_MAX];
    char port[8] = "";
    if (r->has_port && r->port != 80)
        snprintf(port, sizeof(port), ":%u", r->port);
    int n = snprintf(buf, sizeof(buf), "http://%.*s%s%.*s", (int)r->hostname.len, r->hostname.ptr,
                     port, (int)u->len, u->ptr);
    if (n <= 0 || (size_t)n >= sizeof(buf))
        return;
    const char *kept = observe_keep(o, buf, (size_t)n);
    if (kept)
        observe_add(o, INTEL_KIND_URL, "http.url", "url", kept, (size_t)n);
}

static void observe_http(struct intel_observed *o, const struct http_record *r)
{
    observe_add(o, INTEL_KIND_DOMAIN, "http.hostname", "domain-name", r->hostname.ptr,
                r->hostname.len);
    observe_http_url(o, r);
    if (r->redirect.len > 7 && memcmp(r->redirect.ptr, "http", 4) == 0)
        observe_add(o, INTEL_KIND_URL, "http.redirect", "url", r->redirect.ptr, r->redirect.len);
}

static void observe_file(struct intel_observed *o, const struct fileinfo_record *r)
{
    if (r->md5[0])
        observe_cstr(o, INTEL_KIND_MD5, "fileinfo.md5", "file", r->md5);
    if (r->sha1[0])
        observe_cstr(o, INTEL_KIND_SHA1, "fileinfo.sha1", "file", r->sha1);
    if (r->sha256[0])
        observe_cstr(o, INTEL_KIND_SHA256, "fileinfo.sha256", "file", r->sha256);
}

static void observe_list_mailboxes(struct intel_observed *o, const char *field,
                                   const struct mime_list *l)
{
    for (size_t i = 0; l && i < l->count; i++) {
        size_t len = 0;
        const char *s = mime_list_get(l, i, &len, NULL);
        observe_mailbox(o, field, s, len);
    }
}

static void observe_email(struct intel_observed *o, const struct mime_message *m)
{
    const char *from = m->fields[MIME_FIELD_FROM];
    if (from)
        observe_mailbox(o, "email.from", from, m->field_len[MIME_FIELD_FROM]);
    const char *reply = m->fields[MIME_FIELD_REPLY_TO];
    if (reply)
        observe_mailbox(o, "email.reply_to", reply, m->field_len[MIME_FIELD_REPLY_TO]);
    observe_list_mailboxes(o, "email.to", &m->to);
    observe_list_mailboxes(o, "email.cc", &m->cc);
    for (size_t i = 0; i < m->urls.count; i++) {
        size_t len = 0;
        const char *s = mime_list_get(&m->urls, i, &len, NULL);
        observe_add(o, INTEL_KIND_URL, "email.url", "url", s, len);
    }
    /* Attachments are checked on their own fileinfo events. */
}

static void observe_smtp(struct intel_observed *o, const struct smtp_record *r)
{
    if (r->helo)
        observe_cstr(o, INTEL_KIND_DOMAIN, "smtp.helo", "domain-name", r->helo);
    if (r->mail_from)
        observe_mailbox(o, "smtp.mail_from", r->mail_from, strlen(r->mail_from));
    observe_list_mailboxes(o, "smtp.rcpt_to", r->rcpt_to);
    if (r->email)
        observe_email(o, r->email);
}

static void observe_socks(struct intel_observed *o, const struct socks_record *r)
{
    if (r->dest_host)
        observe_add(o, INTEL_KIND_DOMAIN, "socks.dest_host", "domain-name", r->dest_host,
                    r->dest_host_len);
}

void intel_observe_record(struct intel_observed *o, enum app_record type, const void *record)
{
    o->count = 0;
    o->dropped = 0;
    o->scratch_used = 0;
    o->x509_serial = o->x509_subject = o->x509_issuer = NULL;
    switch (type) {
    case APP_RECORD_DNS:
        observe_dns(o, record);
        break;
    case APP_RECORD_TLS:
        observe_tls(o, record);
        break;
    case APP_RECORD_QUIC:
        observe_quic(o, record);
        break;
    case APP_RECORD_HTTP:
        observe_http(o, record);
        break;
    case APP_RECORD_FILEINFO:
        observe_file(o, record);
        break;
    case APP_RECORD_SMTP:
        observe_smtp(o, record);
        break;
    case APP_RECORD_SOCKS:
        observe_socks(o, record);
        break;
    default:
        break;
    }
}
