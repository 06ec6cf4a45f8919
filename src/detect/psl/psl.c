/* psl.c — the Public Suffix List as a hash set of rules (psl.h).
 *
 * Each rule's name ("co.uk" for "co.uk", "*.ck" and "!www.ck") is one key
 * with flags saying which kinds of rule it carries; every proper suffix of a
 * rule is present too, so a lookup walks a name's suffixes from the right
 * and stops at the first that is absent. Keys are hashed from their last
 * byte to their first (FNV-1a), so the hash of a longer suffix continues
 * that of the shorter one and a lookup hashes each byte once. The rules come
 * from the list itself, never from traffic, so an unkeyed hash is enough:
 * names looked up cannot lengthen a probe run. Punycode per RFC 3492 §6.3.
 */
#include "detect/psl/psl.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    F_NORMAL = 1u << 0,
    F_WILDCARD = 1u << 1, /* "*.key" is a rule */
    F_EXCEPTION = 1u << 2,
    F_NORMAL_PRIV = 1u << 3, /* ... and that rule is from the PRIVATE section */
    F_WILDCARD_PRIV = 1u << 4,
    F_EXCEPTION_PRIV = 1u << 5,
    F_NODE = 1u << 6, /* a proper suffix of some rule */
};

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
#define LINE_MAX_LEN 512 /* the longest rule today is under 70 bytes */

struct psl_slot {
    uint64_t hash;
    uint32_t off, len; /* the key in pool */
    uint8_t flags;     /* 0: empty slot */
};

struct psl {
    char *pool;
    size_t pool_len, pool_cap;
    struct psl_slot *slots;
    size_t slot_mask, used;
    size_t rule_count;
    bool is_builtin;
};

static inline unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Continues hash h over s[0..len) from the last byte to the first. */
static uint64_t hash_rev(uint64_t h, const char *s, size_t len)
{
    for (size_t i = len; i-- > 0;)
        h = (h ^ lower((unsigned char)s[i])) * FNV_PRIME;
    return h;
}

static bool key_equal(const struct psl *p, const struct psl_slot *s, const char *key, size_t len)
{
    if (s->len != len)
        return false;
    const char *k = p->pool + s->off;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)k[i] != lower((unsigned char)key[i]))
            return false;
    return true;
}

static struct psl_slot *find_slot(const struct psl *p, uint64_t h, const char *key, size_t len)
{
    for (size_t i = (size_t)h & p->slot_mask;; i = (i + 1) & p->slot_mask) {
        struct psl_slot *s = &p->slots[i];
        if (s->flags == 0 || (s->hash == h && key_equal(p, s, key, len)))
            return s;
    }
}

static int grow_slots(struct psl *p)
{
    size_t count = (p->slot_mask + 1) * 2;
    struct psl_slot *old = p->slots;
    size_t old_count = p->slot_mask + 1;
    p->slots = calloc(count, sizeof(*p->slots));
    if (!p->slots) {
        p->slots = old;
        return -ENOMEM;
    }
    p->slot_mask = count - 1;
    for (size_t i = 0; i < old_count; i++) {
        if (old[i].flags == 0)
            continue;
        size_t j = (size_t)old[i].hash & p->slot_mask;
        while (p->slots[j].flags)
            j = (j + 1) & p->slot_mask;
        p->slots[j] = old[i];
    }
    free(old);
    return 0;
}

/* Sets flags on key (lower-case already), adding it when absent. */
static int key_add(struct psl *p, const char *key, size_t len, uint8_t flags)
{
    if (len == 0 || len > UINT32_MAX)
        return -EINVAL;
    uint64_t h = hash_rev(FNV_OFFSET, key, len);
    struct psl_slot *s = find_slot(p, h, key, len);
    if (s->flags) {
        s->flags |= flags;
        return 0;
    }
    if ((p->used + 1) * 2 > p->slot_mask + 1) {
        if (grow_slots(p) != 0)
            return -ENOMEM;
        s = find_slot(p, h, key, len);
    }
    if (p->pool_len + len > p->pool_cap) {
        size_t cap = p->pool_cap ? p->pool_cap * 2 : 4096;
        while (cap < p->pool_len + len)
            cap *= 2;
        if (cap > UINT32_MAX)
            return -ENOMEM;
        char *pool = realloc(p->pool, cap);
        if (!pool)
            return -ENOMEM;
        p->pool = pool;
        p->pool_cap = cap;
    }
    memcpy(p->pool + p->pool_len, key, len);
    *s = (struct psl_slot){h, (uint32_t)p->pool_len, (uint32_t)len, flags};
    p->pool_len += len;
    p->used++;
    return 0;
}

/* Enters a rule's key with its kind, and marks each proper suffix. */
static int rule_add(struct psl *p, const char *key, size_t len, uint8_t kind)
{
    int rc = key_add(p, key, len, kind);
    for (size_t i = 0; rc == 0 && i < len; i++)
        if (key[i] == '.')
            rc = key_add(p, key + i + 1, len - i - 1, F_NODE);
    return rc;
}

/* UTF-8 → code points; -1 when invalid or longer than max. */
static int utf8_decode(const unsigned char *s, size_t len, uint32_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < len; n++) {
        unsigned char c = s[i];
        size_t extra = c < 0x80         ? 0
                       : (c >> 5) == 6  ? 1
                       : (c >> 4) == 14 ? 2
                       : (c >> 3) == 30 ? 3
                                        : 4;
        if (extra == 4 || i + extra >= len || n == max)
            return -1;
        uint32_t cp = extra == 0 ? c : (uint32_t)(c & (0x3f >> extra));
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return -1;
            cp = (cp << 6) | (s[i + k] & 0x3fu);
        }
        static const uint32_t min_cp[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return -1;
        out[n] = cp;
        i += extra + 1;
    }
    return (int)n;
}

static uint32_t puny_adapt(uint32_t delta, uint32_t points, bool is_first)
{
    delta = is_first ? delta / 700 : delta / 2; /* damp = 700 */
    delta += delta / points;
    uint32_t k = 0;
    while (delta > ((36 - 1) * 26) / 2) { /* (base - tmin) * tmax / 2 */
        delta /= 36 - 1;
        k += 36;
    }
    return k + (36 - 1 + 1) * delta / (delta + 38); /* skew = 38 */
}

/* An output buffer with a sticky "full" flag, so encoding checks once. */
struct wbuf {
    char *p;
    size_t size, len;
    bool is_full;
};

static void wput(struct wbuf *w, uint32_t ch)
{
    if (w->len + 1 >= w->size)
        w->is_full = true;
    else
        w->p[w->len++] = (char)ch;
}

static uint32_t puny_digit(uint32_t d)
{
    return d < 26 ? 'a' + d : '0' + d - 26;
}

/* RFC 3492 §6.3 over one label's code points, "xn--" prefixed, into out;
 * returns the length or 0 when it does not fit or overflows. */
static size_t puny_encode(const uint32_t *cp, size_t n_cp, char *out, size_t size)
{
    struct wbuf w = {out, size, 0, false};
    for (const char *x = "xn--"; *x; x++)
        wput(&w, (uint32_t)*x);
    uint32_t basic = 0;
    for (size_t i = 0; i < n_cp; i++)
        if (cp[i] < 0x80) {
            wput(&w, cp[i]);
            basic++;
        }
    if (basic)
        wput(&w, '-');
    uint32_t n = 128, delta = 0, bias = 72, h = basic;
    while (h < n_cp && !w.is_full) {
        uint32_t m = UINT32_MAX;
        for (size_t i = 0; i < n_cp; i++)
            if (cp[i] >= n && cp[i] < m)
                m = cp[i];
        if ((uint64_t)(m - n) * (h + 1) + delta > UINT32_MAX)
            return 0;
        delta += (m - n) * (h + 1);
        n = m;
        for (size_t i = 0; i < n_cp; i++) {
            if (cp[i] < n && ++delta == 0)
                return 0;
            if (cp[i] != n)
                continue;
            uint32_t q = delta;
            for (uint32_t k = 36;; k += 36) { /* base 36, tmin 1, tmax 26 */
                uint32_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
                if (q < t)
                    break;
                wput(&w, puny_digit(t + (q - t) % (36 - t)));
                q = (q - t) / (36 - t);
            }
            wput(&w, puny_digit(q));
            bias = puny_adapt(delta, h + 1, h == basic);
            delta = 0;
            h++;
        }
        delta++;
        n++;
    }
    return w.is_full ? 0 : w.len;
}

/* The key with each non-ASCII label in punycode; 0 when it cannot be. */
static size_t key_to_punycode(const char *key, size_t len, char *out, size_t size)
{
    size_t at = 0;
    for (size_t start = 0; start <= len;) {
        const char *dot = memchr(key + start, '.', len - start);
        size_t end = dot ? (size_t)(dot - key) : len;
        bool is_ascii = true;
        for (size_t i = start; i < end; i++)
            is_ascii = is_ascii && (unsigned char)key[i] < 0x80;
        if (at && at + 1 < size)
            out[at++] = '.';
        if (is_ascii) {
            if (at + (end - start) >= size)
                return 0;
            memcpy(out + at, key + start, end - start);
            at += end - start;
        } else {
            uint32_t cp[64];
            int n = utf8_decode((const unsigned char *)key + start, end - start, cp, 64);
            size_t w = n > 0 ? puny_encode(cp, (size_t)n, out + at, size - at) : 0;
            if (w == 0)
                return 0;
            at += w;
        }
        start = end + 1;
    }
    return at < size ? at : 0;
}

/* One line of the list's format: a rule is the text before the first
 * whitespace; "//" starts a comment. Returns 0 also for lines that are not
 * rules (counted out by the caller through rule_count). */
static int line_add(struct psl *p, char *line, uint8_t is_private)
{
    size_t len = strcspn(line, " \t\r\n");
    if (len == 0 || (len >= 2 && line[0] == '/' && line[1] == '/'))
        return 0;
    line[len] = '\0'; /* the rest of the line is not the rule's */
    for (size_t i = 0; i < len; i++)
        line[i] = (char)lower((unsigned char)line[i]);
    uint8_t kind = F_NORMAL;
    char *key = line;
    if (key[0] == '!') {
        kind = F_EXCEPTION;
        key++;
        len--;
    } else if (len > 2 && key[0] == '*' && key[1] == '.') {
        kind = F_WILDCARD;
        key += 2;
        len -= 2;
    }
    /* The list uses "*" only as a whole leftmost label; anything else, or an
     * empty label, is not a rule we can honour. */
    if (len == 0 || memchr(key, '*', len) || memchr(key, '!', len) || key[0] == '.' ||
        key[len - 1] == '.' || strstr(key, ".."))
        return 0;
    if (is_private)
        kind |= (uint8_t)(kind << 3);
    int rc = rule_add(p, key, len, kind);
    for (size_t i = 0; rc == 0 && i < len; i++) {
        if ((unsigned char)key[i] >= 0x80) {
            char puny[LINE_MAX_LEN];
            size_t plen = key_to_punycode(key, len, puny, sizeof(puny));
            if (plen)
                rc = rule_add(p, puny, plen, kind);
            break;
        }
    }
    if (rc == 0)
        p->rule_count++;
    return rc;
}

static struct psl *psl_alloc(void)
{
    struct psl *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->slot_mask = 1024 - 1;
    p->slots = calloc(p->slot_mask + 1, sizeof(*p->slots));
    if (!p->slots) {
        free(p);
        return NULL;
    }
    return p;
}

#define SET_ERR(...)                                                                               \
    do {                                                                                           \
        if (err && err_size)                                                                       \
            snprintf(err, err_size, __VA_ARGS__);                                                  \
    } while (0)

struct psl *psl_load_sections(const char *path, unsigned sections, char *err, size_t err_size)
{
    struct psl *p = NULL;
    FILE *fp = path ? fopen(path, "r") : NULL;
    if (!fp) {
        SET_ERR("%s: %s", path ? path : "(no path)", strerror(errno));
        return NULL;
    }
    p = psl_alloc();
    if (!p)
        goto nomem;
    char line[LINE_MAX_LEN];
    unsigned section = PSL_ICANN; /* rules before any marker: ICANN's */
    while (fgets(line, sizeof(line), fp)) {
        if (!strchr(line, '\n') && !feof(fp)) { /* too long for a rule: skip it whole */
            int c;
            while ((c = fgetc(fp)) != EOF && c != '\n')
                ;
            continue;
        }
        if (strstr(line, "===BEGIN ICANN DOMAINS==="))
            section = PSL_ICANN;
        else if (strstr(line, "===BEGIN PRIVATE DOMAINS==="))
            section = PSL_PRIVATE;
        if (!(section & sections))
            continue;
        if (line_add(p, line, section == PSL_PRIVATE) != 0)
            goto nomem;
    }
    if (ferror(fp)) {
        SET_ERR("%s: read error", path);
        goto fail;
    }
    if (p->rule_count == 0) {
        SET_ERR("%s: no rules (not a public suffix list?)", path);
        goto fail;
    }
    fclose(fp);
    return p;
nomem:
    SET_ERR("%s: out of memory", path);
fail:
    fclose(fp);
    psl_free(p);
    return NULL;
}

struct psl *psl_load(const char *path, char *err, size_t err_size)
{
    return psl_load_sections(path, PSL_ALL, err, err_size);
}

/* The fallback: the generic TLDs, the large country TLDs with the second
 * levels most names sit under, reverse-lookup zones, and a few PRIVATE
 * entries whose customers' names are otherwise mistaken for one domain. */
static const char *const builtin_icann[] = {
    "com",    "net",    "org",    "edu",          "gov",      "mil",    "int",    "info",
    "biz",    "name",   "pro",    "mobi",         "app",      "dev",    "io",     "ai",
    "co",     "me",     "tv",     "cc",           "xyz",      "online", "site",   "top",
    "club",   "shop",   "arpa",   "in-addr.arpa", "ip6.arpa", "us",     "ca",     "eu",
    "de",     "fr",     "nl",     "be",           "ch",       "at",     "it",     "es",
    "pt",     "se",     "no",     "dk",           "fi",       "pl",     "cz",     "ru",
    "su",     "ua",     "ro",     "hu",           "gr",       "tr",     "ie",     "uk",
    "co.uk",  "org.uk", "ac.uk",  "gov.uk",       "ltd.uk",   "plc.uk", "me.uk",  "net.uk",
    "sch.uk", "jp",     "co.jp",  "ne.jp",        "or.jp",    "ac.jp",  "go.jp",  "cn",
    "com.cn", "net.cn", "org.cn", "edu.cn",       "gov.cn",   "kr",     "co.kr",  "in",
    "co.in",  "net.in", "org.in", "au",           "com.au",   "net.au", "org.au", "edu.au",
    "gov.au", "nz",     "co.nz",  "br",           "com.br",   "net.br", "org.br", "mx",
    "com.mx", "ar",     "com.ar", "za",           "co.za",    "tw",     "com.tw", "hk",
    "com.hk", "sg",     "com.sg", "id",           "co.id",    "il",     "co.il",  "ir",
    "vn",     "com.vn", "th",     "co.th",        "my",       "com.my"};
static const char *const builtin_private[] = {
    "blogspot.com",    "github.io",    "herokuapp.com",     "appspot.com",  "cloudfront.net",
    "akamaiedge.net",  "akamaihd.net", "azurewebsites.net", "cloudapp.net", "fastly.net",
    "firebaseapp.com", "netlify.app",  "pages.dev",         "workers.dev",  "s3.amazonaws.com"};

struct psl *psl_load_default(void)
{
    struct psl *p = psl_alloc();
    if (!p)
        return NULL;
    p->is_builtin = true;
    char line[64];
    for (size_t i = 0; i < sizeof(builtin_icann) / sizeof(*builtin_icann); i++) {
        snprintf(line, sizeof(line), "%s", builtin_icann[i]);
        if (line_add(p, line, 0) != 0)
            goto fail;
    }
    for (size_t i = 0; i < sizeof(builtin_private) / sizeof(*builtin_private); i++) {
        snprintf(line, sizeof(line), "%s", builtin_private[i]);
        if (line_add(p, line, 1) != 0)
            goto fail;
    }
    return p;
fail:
    psl_free(p);
    return NULL;
}

void psl_free(struct psl *p)
{
    if (!p)
        return;
    free(p->pool);
    free(p->slots);
    free(p);
}

/* Whether the name can have a public suffix at all (see psl.h). */
static bool name_is_valid(const char *name, size_t len)
{
    if (len == 0 || name[0] == '.' || name[len - 1] == '.')
        return false;
    for (size_t i = 0; i < len; i++)
        if (name[i] == ':' || (name[i] == '.' && name[i + 1] == '.'))
            return false;
    size_t last = len;
    while (last > 0 && name[last - 1] != '.')
        last--;
    for (size_t i = last; i < len; i++)
        if (name[i] < '0' || name[i] > '9')
            return true;
    return false; /* a numeric last label: an IPv4 literal, or no TLD */
}

/* Start of the suffix of name[0..len) with `labels` labels, or SIZE_MAX. */
static size_t suffix_start(const char *name, size_t len, size_t labels)
{
    size_t i = len;
    for (size_t k = 0; k < labels; k++) {
        if (k > 0) {
            if (i == 0)
                return SIZE_MAX;
            i--; /* the dot */
        }
        while (i > 0 && name[i - 1] != '.')
            i--;
    }
    return i;
}

bool psl_lookup(const struct psl *p, const char *name, struct psl_result *r)
{
    memset(r, 0, sizeof(*r));
    if (!p || !name)
        return false;
    size_t len = strlen(name);
    if (len > 1 && name[len - 1] == '.' && name[len - 2] != '.')
        len--; /* the root */
    if (!name_is_valid(name, len))
        return false;
    /* Walk the suffixes from the right: k labels, starting at `start`. */
    size_t match = 0, start = len, k = 0;
    bool is_exception = false, is_private = false, parent_wild = false, parent_wild_priv = false;
    uint64_t h = FNV_OFFSET;
    while (start > 0) {
        size_t end = start;
        if (k > 0)
            end--; /* the dot before the previous label */
        start = end;
        while (start > 0 && name[start - 1] != '.')
            start--;
        h = hash_rev(h, name + start, (k > 0 ? end + 1 : end) - start);
        k++;
        const struct psl_slot *s = find_slot(p, h, name + start, len - start);
        uint8_t f = s->flags;
        if (f & F_EXCEPTION) { /* prevails over every other match */
            is_exception = true;
            match = k - 1;
            is_private = f & F_EXCEPTION_PRIV;
            break;
        }
        if (parent_wild) {
            match = k;
            is_private = parent_wild_priv;
        }
        if (f & F_NORMAL) {
            match = k;
            is_private = f & F_NORMAL_PRIV;
        }
        if (f == 0)
            break; /* no rule has this suffix: none longer can match */
        parent_wild = f & F_WILDCARD;
        parent_wild_priv = f & F_WILDCARD_PRIV;
    }
    r->is_listed = match > 0 || is_exception;
    if (match == 0) /* the default rule "*" (or an exception to a TLD wildcard) */
        match = 1;
    size_t s_at = suffix_start(name, len, match);
    r->suffix = name + s_at;
    r->suffix_len = len - s_at;
    r->is_private = is_private;
    size_t d_at = suffix_start(name, len, match + 1);
    if (d_at != SIZE_MAX) {
        r->domain = name + d_at;
        r->domain_len = len - d_at;
    }
    return true;
}

const char *psl_registered_domain(const struct psl *p, const char *name, size_t *len)
{
    struct psl_result r;
    psl_lookup(p, name, &r);
    if (len)
        *len = r.domain_len;
    return r.domain;
}

size_t psl_suffix_count(const struct psl *p)
{
    return p ? p->rule_count : 0;
}

bool psl_is_builtin(const struct psl *p)
{
    return p && p->is_builtin;
}
