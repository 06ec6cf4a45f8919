/* name_filter.c — the names the DNS tunnel and DGA detector reads (name_filter.h). */
#include "detect/dns_tunnel/name_filter.h"

#include <stdio.h>
#include <string.h>

#include "detect/psl/psl.h"

static bool ends_with_label(const char *s, size_t len, const char *label)
{
    size_t n = strlen(label);
    return len >= n && memcmp(s + len - n, label, n) == 0 && (len == n || s[len - n - 1] == '.');
}

/* Underscore labels of service discovery and mail authentication (RFC 6763
 * DNS-SD, RFC 2782 SRV, DKIM, DMARC, Active Directory): names, not data. */
static bool has_service_label(const char *s, size_t len)
{
    static const char *const labels[] = {
        "_tcp",       "_udp",   "_tls",   "_sctp",           "_dns-sd", "_msdcs",
        "_domainkey", "_dmarc", "_sites", "_acme-challenge", "_mta-sts"};
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '_' || (i > 0 && s[i - 1] != '.'))
            continue;
        size_t n = strcspn(s + i, ".");
        for (size_t k = 0; k < sizeof(labels) / sizeof(*labels); k++)
            if (strlen(labels[k]) == n && memcmp(s + i, labels[k], n) == 0)
                return true;
    }
    return false;
}

/* DNS blocklists and anti-virus reputation services answer queries whose
 * names carry an address or a hash: tunnels by shape, lookups by intent. */
static bool is_lookup_service(const char *domain, size_t len)
{
    static const char *const zones[] = {
        "spamhaus.org",
        "spamhaus.net",
        "spamcop.net",
        "sorbs.net",
        "surbl.org",
        "uribl.com",
        "barracudacentral.org",
        "mailspike.net",
        "dnswl.org",
        "abuseat.org",
        "manitu.net",
        "uceprotect.net",
        "junkemailfilter.com",
        "senderscore.com",
        "cymru.com",
        "sophosxl.net",
    };
    for (size_t i = 0; i < sizeof(zones) / sizeof(*zones); i++)
        if (strlen(zones[i]) == len && memcmp(zones[i], domain, len) == 0)
            return true;
    return false;
}

/* No registry issues a TLD with digits or symbols (IDN TLDs are "xn--"): a
 * name ending in one went to a resolver that answers anything — dnscat2 and
 * similar tools talking to their server directly. */
static bool tld_is_invalid(const char *tld, size_t len)
{
    if (len >= 4 && memcmp(tld, "xn--", 4) == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (tld[i] < 'a' || tld[i] > 'z')
            return true;
    return len > 63;
}

static void lower_copy(const char *name, struct name_filter_name *n)
{
    size_t len = strlen(name);
    n->was_truncated = len >= NAME_FILTER_TEXT_MAX;
    if (n->was_truncated) { /* keep the tail: the domain is at the end */
        name += len - (NAME_FILTER_TEXT_MAX - 1);
        len = NAME_FILTER_TEXT_MAX - 1;
    }
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        n->low[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    if (len > 0 && n->low[len - 1] == '.')
        len--;
    n->low[len] = '\0';
    n->len = len;
}

/* Digits and dots only: an address literal, not a name. */
static bool is_numeric(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((s[i] < '0' || s[i] > '9') && s[i] != '.')
            return false;
    return true;
}

static void group_by_server(struct name_filter_name *n, const struct bhv_ip *server)
{
    char ip[46];
    snprintf(n->group, sizeof(n->group), "[%s]", bhv_ip_text(server, ip));
    n->is_grouped = true;
    n->sub_len = n->len;
}

enum name_filter_verdict name_filter_read(const struct psl *psl, const char *qname,
                                          const struct bhv_ip *server, bool exclude_lookup_services,
                                          struct name_filter_name *n)
{
    lower_copy(qname, n);
    n->domain = n->reg_label = NULL;
    n->domain_len = n->reg_label_len = n->sub_len = 0;
    n->is_grouped = false;
    n->group[0] = '\0';
    if (ends_with_label(n->low, n->len, "arpa"))
        return NAME_FILTER_REVERSE;
    if (ends_with_label(n->low, n->len, "local") || ends_with_label(n->low, n->len, "localhost"))
        return NAME_FILTER_LOCAL;
    if (has_service_label(n->low, n->len))
        return NAME_FILTER_SERVICE;
    const char *dot = strrchr(n->low, '.');
    struct psl_result r;
    if (!psl_lookup(psl, n->low, &r) || !r.domain) {
        /* A numeric last label makes the list refuse the name; unless the
         * whole name is numeric, it is an invalid TLD like any other. */
        if (dot && dot[1] && !is_numeric(n->low, n->len) && !strchr(n->low, ':') &&
            tld_is_invalid(dot + 1, n->len - (size_t)(dot + 1 - n->low))) {
            group_by_server(n, server);
            return NAME_FILTER_OK;
        }
        return NAME_FILTER_NO_DOMAIN;
    }
    n->domain = r.domain;
    n->domain_len = r.domain_len;
    n->reg_label = r.domain;
    n->reg_label_len = r.domain_len - r.suffix_len - 1;
    n->sub_len = r.domain > n->low ? (size_t)(r.domain - n->low) - 1 : 0;
    if (!r.is_listed && tld_is_invalid(r.suffix, r.suffix_len))
        group_by_server(n, server);
    if (exclude_lookup_services && is_lookup_service(n->domain, n->domain_len))
        return NAME_FILTER_LOOKUP_SERVICE;
    return NAME_FILTER_OK;
}
