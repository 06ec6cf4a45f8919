/* psl.h — registered domains (eTLD+1) by the Public Suffix List.
 *
 * Follows the list's algorithm (https://publicsuffix.org/list/, "Formal
 * algorithm"): normal, wildcard ("*.") and exception ("!") rules, the
 * exception prevails, else the rule with the most labels, else the default
 * rule "*". Reads the list's own file format (Debian's `publicsuffix`
 * package installs it as /usr/share/publicsuffix/public_suffix_list.dat).
 * Not a host-name validator and not IDNA: names are matched as given
 * (ASCII lower-cased on the fly); punycode labels ("xn--...") stay as they
 * are, and the list's UTF-8 rules are also entered in their punycode form
 * (RFC 3492) so that names seen on the wire match them.
 */
#ifndef HRADBA_DETECT_PSL_PSL_H
#define HRADBA_DETECT_PSL_PSL_H

#include <stdbool.h>
#include <stddef.h>

/* The list's two sections: ICANN's delegations, and the PRIVATE one where
 * companies list the names under which their users get subdomains
 * (blogspot.com, cloudfront.net, akamaiedge.net). */
enum psl_section {
    PSL_ICANN = 1u << 0,
    PSL_PRIVATE = 1u << 1,
    PSL_ALL = PSL_ICANN | PSL_PRIVATE,
};

struct psl;

/* Reads the list at path with both sections. NULL on failure, with what and
 * where in err ("path: No such file or directory", "path: no rules"). */
struct psl *psl_load(const char *path, char *err, size_t err_size);

/* The same, with only the sections in the mask `sections` (enum
 * psl_section bits); rules outside any section count as ICANN. */
struct psl *psl_load_sections(const char *path, unsigned sections, char *err, size_t err_size);

/* A small built-in list (generic and large country TLDs, their common
 * second levels such as co.uk, a few large PRIVATE entries, arpa) for when
 * the file is missing: registered domains are then right for the common
 * cases only, and the caller should say so. NULL only when out of memory. */
struct psl *psl_load_default(void);

void psl_free(struct psl *p); /* NULL is a no-op */

/* What the list says about one name. */
struct psl_result {
    const char *domain; /* registered domain, a pointer into the name; NULL when none */
    size_t domain_len;
    const char *suffix; /* public suffix, into the name; NULL for an invalid name */
    size_t suffix_len;
    bool is_listed;  /* a rule matched; false: the default rule "*" decided (unlisted TLD) */
    bool is_private; /* the prevailing rule is from the PRIVATE section */
};

/* Looks name up. Returns false, with r zeroed, for a name that has no public
 * suffix: NULL or empty, a label that is empty (leading dot, "a..b"), an IP
 * literal (any ':', or a last label of digits only — no TLD is numeric). A
 * single trailing dot (the root) is allowed and left out of the results.
 * Allocates nothing; any length is fine. */
bool psl_lookup(const struct psl *p, const char *name, struct psl_result *r);

/* The registered domain of name (a pointer into name, *len its length), or
 * NULL for a bare public suffix, an IP literal, an empty or invalid name. */
const char *psl_registered_domain(const struct psl *p, const char *name, size_t *len);

/* Rules loaded (a UTF-8 rule and its punycode form count once). */
size_t psl_suffix_count(const struct psl *p);

/* Whether this is the built-in fallback list (psl_load_default). */
bool psl_is_builtin(const struct psl *p);

#endif
