/* stix_pattern_atoms.c — the extraction API for the line-rate matcher: a
 * pattern is "simple" when it is one observation expression (or an OR of
 * them) without qualifiers whose comparisons are joined only by OR, each an
 * equality (or ISSUBSET for CIDR) on a property the sensor sees. Its atoms
 * are normalised (lower-case hex digests and domains, parsed addresses).
 * JA3/JA3S/JA4 use the custom observable x-tls-fingerprint (docs/intel.md).
 */
#include <errno.h>
#include <string.h>

#include "intel/pattern/stix_pattern_ast.h"

static bool key_is(const struct sp_step *st, const char *name)
{
    return st->kind == SP_STEP_KEY && st->key_len == strlen(name) &&
           memcmp(st->key, name, st->key_len) == 0;
}

/* Lower-cases v[0..len) in place; true when it is 32 hex digits (a JA3 or
 * JA3S fingerprint is the MD5 of its string). */
static bool lower_hex32(char *v, size_t len)
{
    if (len != 32)
        return false;
    for (size_t k = 0; k < len; k++) {
        char ch = v[k];
        if (ch >= 'A' && ch <= 'F')
            v[k] = (char)(ch - 'A' + 'a');
        else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
            return false;
    }
    return true;
}

/* Counts comparisons under an OR-only tree; -1 when not OR-only. */
static long count_or_tests(const struct sp_node *n)
{
    if (n->kind == SP_CMP_TEST)
        return 1;
    if (n->kind != SP_CMP_OR && n->kind != SP_OBS_OR && n->kind != SP_OBS_SIMPLE &&
        n->kind != SP_OBS_PAREN)
        return -1;
    long total = 0;
    for (const struct sp_node *ch = n->first; ch; ch = ch->next) {
        long k = count_or_tests(ch);
        if (k < 0)
            return -1;
        total += k;
    }
    return total;
}

static bool set_address(struct stix_pattern_atom *a, const struct sp_comparison *c)
{
    struct sp_net net;
    if (c->lit.type != SP_LIT_STRING || !sp_net_parse(c->lit.s, c->lit.len, &net))
        return false;
    bool is_host = net.prefix_len == (net.family == 4 ? 32u : 128u);
    if (c->op == SP_OP_EQ && !is_host)
        return false;
    a->op = c->op == SP_OP_EQ ? STIX_ATOM_EQ : STIX_ATOM_ISSUBSET;
    a->kind = net.family == 4 ? STIX_ATOM_IPV4 : STIX_ATOM_IPV6;
    memcpy(a->addr, net.addr, sizeof a->addr);
    a->prefix_len = net.prefix_len;
    return true;
}

/* Fills a from c, or returns false when c is not an indexable atom. */
static bool classify(struct stix_pattern *p, const struct sp_comparison *c,
                     struct stix_pattern_atom *a)
{
    if (c->is_negated || (c->op != SP_OP_EQ && c->op != SP_OP_ISSUBSET))
        return false;
    const char *t = c->type;
    size_t n = c->step_count;
    const struct sp_step *s = c->steps;
    a->object_type = t;
    a->op = STIX_ATOM_EQ;
    a->side = STIX_SIDE_NONE;
    bool is_string = c->lit.type == SP_LIT_STRING;
    /* The matcher gets NUL-terminated values: a NUL inside stays with the evaluator. */
    if (is_string && memchr(c->lit.s, '\0', c->lit.len))
        return false;

    if ((!strcmp(t, "ipv4-addr") || !strcmp(t, "ipv6-addr")) && n == 1 && key_is(s, "value")) {
        if (!set_address(a, c) || (a->kind == STIX_ATOM_IPV4) != (t[3] == '4'))
            return false;
    } else if (!strcmp(t, "network-traffic") && n == 2 &&
               (key_is(s, "src_ref") || key_is(s, "dst_ref")) && key_is(s + 1, "value")) {
        a->side = s[0].key[0] == 's' ? STIX_SIDE_SRC : STIX_SIDE_DST;
        if (!set_address(a, c)) {
            if (c->op != SP_OP_EQ || !is_string)
                return false;
            a->kind = STIX_ATOM_DOMAIN;
        }
    } else if (!strcmp(t, "network-traffic") && n == 1 &&
               (key_is(s, "src_port") || key_is(s, "dst_port"))) {
        if (c->op != SP_OP_EQ || c->lit.type != SP_LIT_INT || c->lit.i < 0 || c->lit.i > 65535)
            return false;
        a->kind = STIX_ATOM_PORT;
        a->side = s[0].key[0] == 's' ? STIX_SIDE_SRC : STIX_SIDE_DST;
        a->port = (uint16_t)c->lit.i;
    } else if (c->op != SP_OP_EQ || !is_string) {
        return false;
    } else if (!strcmp(t, "domain-name") && n == 1 && key_is(s, "value")) {
        a->kind = STIX_ATOM_DOMAIN;
    } else if (!strcmp(t, "url") && n == 1 && key_is(s, "value")) {
        a->kind = STIX_ATOM_URL;
    } else if (!strcmp(t, "email-addr") && n == 1 && key_is(s, "value")) {
        a->kind = STIX_ATOM_EMAIL;
    } else if ((!strcmp(t, "file") || !strcmp(t, "x509-certificate")) && n == 2 &&
               key_is(s, "hashes")) {
        if (key_is(s + 1, "MD5"))
            a->kind = STIX_ATOM_HASH_MD5;
        else if (key_is(s + 1, "SHA-1"))
            a->kind = STIX_ATOM_HASH_SHA1;
        else if (key_is(s + 1, "SHA-256"))
            a->kind = STIX_ATOM_HASH_SHA256;
        else
            return false;
    } else if (!strcmp(t, "x509-certificate") && n == 1 && key_is(s, "serial_number")) {
        a->kind = STIX_ATOM_X509_SERIAL;
    } else if (!strcmp(t, "x509-certificate") && n == 1 && key_is(s, "subject")) {
        a->kind = STIX_ATOM_X509_SUBJECT;
    } else if (!strcmp(t, "x509-certificate") && n == 1 && key_is(s, "issuer")) {
        a->kind = STIX_ATOM_X509_ISSUER;
    } else if (!strcmp(t, "x-tls-fingerprint") && n == 1 && key_is(s, "ja3")) {
        a->kind = STIX_ATOM_JA3;
    } else if (!strcmp(t, "x-tls-fingerprint") && n == 1 && key_is(s, "ja3s")) {
        a->kind = STIX_ATOM_JA3S;
    } else if (!strcmp(t, "x-tls-fingerprint") && n == 1 && key_is(s, "ja4")) {
        if (c->lit.len == 0)
            return false;
        a->kind = STIX_ATOM_JA4;
    } else {
        return false;
    }

    /* Canonical path text. */
    size_t plen = 0;
    for (size_t k = 0; k < n; k++)
        plen += s[k].key_len + 1;
    char *path = sp_arena_alloc(&p->arena, plen + 1);
    if (!path)
        return false;
    for (size_t k = 0, at = 0; k < n; k++) {
        if (k)
            path[at++] = '.';
        memcpy(path + at, s[k].key, s[k].key_len);
        at += s[k].key_len;
    }
    a->path = path;

    /* Normalised value text. */
    if (a->kind == STIX_ATOM_PORT) {
        char buf[8];
        int len = 0;
        unsigned v = a->port;
        char rev[8];
        do {
            rev[len++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        for (int k = 0; k < len; k++)
            buf[k] = rev[len - 1 - k];
        a->value = sp_arena_strdup(&p->arena, buf, (size_t)len);
        a->value_len = (size_t)len;
    } else {
        size_t len = c->lit.len;
        char *v = sp_arena_strdup(&p->arena, c->lit.s, len);
        if (!v)
            return false;
        if (a->kind == STIX_ATOM_JA3 || a->kind == STIX_ATOM_JA3S) {
            /* An MD5 in hex: anything else can never equal a computed value,
             * so it stays with the evaluator. */
            if (!lower_hex32(v, len))
                return false;
        } else if (a->kind == STIX_ATOM_DOMAIN) {
            for (size_t k = 0; k < len; k++)
                if (v[k] >= 'A' && v[k] <= 'Z')
                    v[k] = (char)(v[k] - 'A' + 'a');
            if (len > 1 && v[len - 1] == '.')
                v[--len] = '\0';
        }
        a->value = v;
        a->value_len = len;
    }
    return a->value != NULL;
}

static bool fill(struct stix_pattern *p, const struct sp_node *n, size_t *at)
{
    if (n->kind == SP_CMP_TEST)
        return classify(p, n->cmp, &p->atoms[(*at)++]);
    for (const struct sp_node *ch = n->first; ch; ch = ch->next)
        if (!fill(p, ch, at))
            return false;
    return true;
}

int sp_extract_atoms(struct stix_pattern *p)
{
    p->is_simple = false;
    p->atoms = NULL;
    p->atom_count = 0;
    long count = count_or_tests(p->root);
    if (count <= 0 || !p->is_single_observation)
        return 0;
    p->atoms = sp_arena_alloc(&p->arena, (size_t)count * sizeof *p->atoms);
    if (!p->atoms)
        return -ENOMEM;
    size_t at = 0;
    if (!fill(p, p->root, &at)) {
        if (p->arena.is_failed)
            return -ENOMEM;
        p->atoms = NULL;
        return 0;
    }
    p->atom_count = at;
    p->is_simple = true;
    return 0;
}
