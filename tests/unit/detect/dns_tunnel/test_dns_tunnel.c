/* test_dns_tunnel.c — the DNS tunnelling and DGA detector on constructed
 * series: iodine-like and dnscat2-like tunnels alert once per re-alert
 * interval with explained scores; ordinary browsing, a busy forwarder,
 * reverse lookups, mDNS, DNSBL and ad-blocked names do not; random
 * NXDOMAIN bursts raise the DGA alert and word-like ones do not; a million
 * domains and a hundred thousand hosts stay within the memory bound; time
 * running backwards is counted, not fatal; state survives a restart. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../bhv_test.h"
#include "detect/bhv.h"
#include "detect/dns_tunnel/dns_tunnel.h"
#include "detect/psl/psl.h"

#include <cmocka.h>

#define T0 1700000000000000ull /* capture time, microseconds */
#define SEC 1000000ull

/* What the sink saw: counts, and a copy of the last alert of each kind. */
struct seen_alert {
    char signature[200], target[128], technique[16], sample[80];
    uint32_t sid;
    uint8_t severity;
    double score, threshold;
    size_t parts, observed, baseline;
    double unique; /* the "unique_subdomains" or "nxdomain_distinct_domains" fact */
    double queries;
};

struct seen {
    int tunnel, dga;
    struct seen_alert last_tunnel, last_dga;
};

static double fact(const struct bhv_alert *a, const char *name)
{
    for (size_t i = 0; i < a->observed_count; i++)
        if (strcmp(a->observed[i].name, name) == 0)
            return a->observed[i].num;
    return -1.0;
}

static const char *fact_text(const struct bhv_alert *a, const char *name)
{
    for (size_t i = 0; i < a->observed_count; i++)
        if (strcmp(a->observed[i].name, name) == 0 && a->observed[i].kind == BHV_FACT_TEXT)
            return a->observed[i].text;
    return "";
}

static void on_alert(void *ctx, const struct bhv_alert *a)
{
    struct seen *s = ctx;
    bool is_dga = strstr(a->signature, "DGA") != NULL;
    struct seen_alert *x = is_dga ? &s->last_dga : &s->last_tunnel;
    is_dga ? s->dga++ : s->tunnel++;
    snprintf(x->signature, sizeof(x->signature), "%s", a->signature);
    snprintf(x->target, sizeof(x->target), "%s", a->target ? a->target : "");
    snprintf(x->technique, sizeof(x->technique), "%s", a->technique_count ? a->techniques[0] : "");
    snprintf(x->sample, sizeof(x->sample), "%s",
             fact_text(a, is_dga ? "sample_name" : "sample_qname"));
    x->sid = a->signature_id;
    x->severity = a->severity;
    x->score = a->score;
    x->threshold = a->threshold;
    x->parts = a->part_count;
    x->observed = a->observed_count;
    x->baseline = a->baseline_count;
    x->unique = fact(a, is_dga ? "nxdomain_distinct_domains" : "unique_subdomains");
    x->queries = fact(a, "queries");
    print_message("  %s: score %.3f, distinct %.0f\n", a->signature, a->score, x->unique);
    assert_string_equal(a->detector, "dns_tunnel");
    assert_true(strncmp(a->signature, "HRADBA BEHAVIOUR ", 17) == 0);
    assert_non_null(a->explanation);
    assert_true(a->score >= a->threshold && a->score <= 1.0);
    for (size_t i = 0; i < a->part_count; i++)
        assert_true(a->parts[i].value >= 0.0 && a->parts[i].value <= 1.0);
}

static const struct psl *the_psl;

static int setup_psl(void **state)
{
    (void)state;
    char err[256];
    struct psl *p = psl_load("/usr/share/publicsuffix/public_suffix_list.dat", err, sizeof(err));
    the_psl = p ? p : psl_load_default();
    return the_psl ? 0 : -1;
}

static int teardown_psl(void **state)
{
    (void)state;
    psl_free((struct psl *)the_psl);
    return 0;
}

static struct dns_tunnel *detector(const struct dns_tunnel_config *cfg, struct seen *s)
{
    struct dns_tunnel_config def;
    dns_tunnel_config_default(&def);
    memset(s, 0, sizeof(*s));
    struct bhv_sink sink = {on_alert, s};
    struct dns_tunnel *d = dns_tunnel_new(cfg ? cfg : &def, the_psl, &sink);
    assert_non_null(d);
    return d;
}

static struct bhv_ip ip4(const char *text)
{
    struct bhv_ip ip;
    memset(&ip, 0, sizeof(ip));
    ip.family = 4;
    assert_int_equal(inet_pton(AF_INET, text, ip.b), 1);
    return ip;
}

/* One transaction: answered with rcode (0 NOERROR, 3 NXDOMAIN). */
static void ask(struct dns_tunnel *d, const char *client, uint64_t ts, const char *name,
                uint16_t qtype, uint8_t rcode, uint32_t response_len)
{
    struct bhv_dns q = {
        .ts_us = ts,
        .flow_id = 7,
        .client = ip4(client),
        .server = ip4("10.0.0.53"),
        .is_client_internal = true,
        .qname = name,
        .qtype = qtype,
        .has_response = true,
        .rcode = rcode,
        .answer_count = rcode ? 0 : 1,
        .query_len = 0,
        .response_len = response_len,
    };
    dns_tunnel_dns(d, &q);
}

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void random_text(char *out, size_t len, const char *alphabet)
{
    size_t n = strlen(alphabet);
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[rnd() % n];
    out[len] = '\0';
}

static const char base32[] = "abcdefghijklmnopqrstuvwxyz012345";
static const char hex[] = "0123456789abcdef";
static const char letters[] = "abcdefghijklmnopqrstuvwxyz";

/* iodine: NULL queries of long base32 labels under one domain, one a
 * second. One alert, explained, then silence for the re-alert interval. */
static void test_iodine_like_tunnel(void **state)
{
    (void)state;
    struct seen s;
    struct dns_tunnel *d = detector(NULL, &s);
    char label[64], name[200];
    for (int i = 0; i < 600; i++) {
        random_text(label, 52, base32);
        snprintf(name, sizeof(name), "%s.t.Pirate-Sea.example.com", label);
        ask(d, "10.1.2.3", T0 + (uint64_t)i * SEC, name, 10 /* NULL */, 0, 180);
    }
    assert_int_equal(s.tunnel, 1);
    assert_int_equal(s.dga, 0);
    struct seen_alert *a = &s.last_tunnel;
    assert_string_equal(a->signature, "HRADBA BEHAVIOUR DNS tunnelling 10.1.2.3 -> example.com");
    assert_string_equal(a->target, "example.com");
    assert_string_equal(a->technique, "T1071.004");
    assert_int_equal(a->sid, bhv_alert_sid(2, 1));
    assert_int_equal(a->severity, 2);
    assert_true(a->score >= 0.6 && a->score <= 0.8); /* decided at the first crossing */
    assert_int_equal(a->parts, 5);
    assert_true(a->observed >= 12);
    assert_true(a->baseline >= 2);
    assert_true(a->unique >= 50 && a->unique < 80); /* decided soon after min_unique */
    assert_non_null(strstr(a->sample, "..."));      /* head and tail of a long name */
    assert_non_null(strstr(a->sample, ".t.pirate-sea.example.com"));
    const struct counter_view v = dns_tunnel_counters(d);
    assert_string_equal(v.section, "detect.dns_tunnel");
    bool found = false;
    for (size_t i = 0; i < v.count; i++)
        if (strcmp(v.names[i], "realert_suppressed") == 0)
            found = v.values[i] > 400;
    assert_true(found);
    dns_tunnel_free(d);
}

/* A tunnel that runs 13 hours alerts at its start, after 6 and after 12. */
static void test_realert_interval(void **state)
{
    (void)state;
    struct seen s;
    struct dns_tunnel *d = detector(NULL, &s);
    char label[64], name[200];
    for (uint64_t i = 0; i < 13 * 3600 / 10; i++) {
        random_text(label, 40, base32);
        snprintf(name, sizeof(name), "%s.tun.example.net", label);
        ask(d, "10.1.2.4", T0 + i * 10 * SEC, name, 16 /* TXT */, 0, 220);
        if (i % 6 == 0)
            dns_tunnel_tick(d, T0 + i * 10 * SEC);
    }
    assert_int_equal(s.tunnel, 3);
    dns_tunnel_free(d);
}

/* dnscat2 without a domain: hex labels whose last one is the "TLD", sent
 * straight to its server; grouped by that server, they alert. */
static void test_dnscat_invalid_tld(void **state)
{
    (void)state;
    struct seen s;
    struct dns_tunnel *d = detector(NULL, &s);
    char a[64], b[64], c[32], name[200];
    for (int i = 0; i < 200; i++) {
        random_text(a, 36, hex);
        random_text(b, 30, hex);
        random_text(c, 1 + (size_t)(rnd() % 20), hex);
        snprintf(name, sizeof(name), "dnscat.%s.%s.%s", a, b, c);
        ask(d, "10.1.2.5", T0 + (uint64_t)i * SEC, name, i % 2 ? 15 : 5, 0, 120);
    }
    assert_int_equal(s.tunnel, 1);
    assert_string_equal(s.last_tunnel.target, "invalid TLDs via 10.0.0.53");
    dns_tunnel_free(d);
}

/* Hostnames of 200 popular sites, visited by one client for two hours with
 * A and AAAA queries, a few typos answered NXDOMAIN: no alert. */
static const char popular_text[] =
    "www.google.com mail.google.com accounts.google.com fonts.googleapis.com www.gstatic.com "
    "apis.google.com www.youtube.com i.ytimg.com yt3.ggpht.com www.facebook.com "
    "static.xx.fbcdn.net connect.facebook.net www.baidu.com www.wikipedia.org "
    "en.wikipedia.org upload.wikimedia.org www.amazon.com images-na.ssl-images-amazon.com "
    "twitter.com abs.twimg.com pbs.twimg.com www.instagram.com www.yahoo.com s.yimg.com "
    "login.yahoo.com www.linkedin.com static.licdn.com www.netflix.com assets.nflxext.com "
    "www.microsoft.com login.microsoftonline.com www.apple.com www.icloud.com www.reddit.com "
    "www.redditstatic.com www.bing.com www.office.com outlook.live.com zoom.us "
    "www.tiktok.com web.whatsapp.com www.twitch.tv static.twitchcdn.net www.ebay.com "
    "ir.ebaystatic.com www.paypal.com www.pinterest.com i.pinimg.com www.imdb.com "
    "m.media-amazon.com www.cnn.com cdn.cnn.com www.bbc.co.uk static.files.bbci.co.uk "
    "www.nytimes.com static01.nyt.com www.theguardian.com assets.guim.co.uk www.spotify.com "
    "open.spotify.com www.github.com github.githubassets.com avatars.githubusercontent.com "
    "stackoverflow.com cdn.sstatic.net www.dropbox.com www.adobe.com use.typekit.net "
    "www.salesforce.com www.wordpress.com s0.wp.com www.tumblr.com www.quora.com "
    "www.medium.com cdn-images-1.medium.com www.booking.com cf.bstatic.com www.airbnb.com "
    "a0.muscache.com www.tripadvisor.com www.expedia.com www.walmart.com "
    "i5.walmartimages.com www.target.com www.bestbuy.com www.etsy.com i.etsystatic.com "
    "www.aliexpress.com www.alibaba.com www.taobao.com www.jd.com www.qq.com www.weibo.com "
    "www.sohu.com www.yandex.ru mail.yandex.ru www.vk.com www.ok.ru www.mail.ru www.avito.ru "
    "www.bbc.com www.reuters.com www.bloomberg.com www.wsj.com www.forbes.com www.cnbc.com "
    "www.foxnews.com www.washingtonpost.com www.usatoday.com www.huffpost.com "
    "www.buzzfeed.com www.vice.com www.wired.com www.theverge.com www.engadget.com "
    "www.techcrunch.com www.cnet.com www.zdnet.com www.arstechnica.com www.espn.com "
    "a.espncdn.com www.nba.com www.nfl.com www.fifa.com www.weather.com www.accuweather.com "
    "www.indeed.com www.glassdoor.com www.craigslist.org www.zillow.com www.realtor.com "
    "www.yelp.com www.wellsfargo.com www.chase.com www.bankofamerica.com www.citi.com "
    "www.capitalone.com www.americanexpress.com www.hulu.com www.disneyplus.com "
    "www.primevideo.com www.roku.com www.vimeo.com f.vimeocdn.com www.soundcloud.com "
    "www.deezer.com www.last.fm www.nasa.gov www.nih.gov www.cdc.gov www.irs.gov "
    "www.usps.com www.fedex.com www.ups.com www.dhl.com www.mozilla.org addons.mozilla.org "
    "www.duckduckgo.com docs.google.com drive.google.com maps.google.com news.google.com "
    "play.google.com translate.google.com teams.microsoft.com www.skype.com app.slack.com "
    "www.discord.com cdn.discordapp.com web.telegram.org www.signal.org www.snapchat.com "
    "www.samsung.com www.sony.com www.dell.com www.hp.com www.lenovo.com www.intel.com "
    "www.nvidia.com www.oracle.com www.ibm.com www.cisco.com www.redhat.com www.debian.org "
    "www.kernel.org www.python.org pypi.org registry.npmjs.org www.rust-lang.org "
    "www.coursera.org www.udemy.com www.khanacademy.org www.duolingo.com www.mit.edu "
    "www.ox.ac.uk www.lemonde.fr www.spiegel.de www.elpais.com www.corriere.it "
    "www.rakuten.co.jp www.yahoo.co.jp www.naver.com www.flipkart.com www.globo.com "
    "www.uol.com.br www.canva.com www.figma.com www.notion.so www.trello.com "
    "www.atlassian.com cdn.shopify.com static.wixstatic.com cdnjs.cloudflare.com "
    "ajax.googleapis.com code.jquery.com cdn.jsdelivr.net www.googletagmanager.com "
    "www.google-analytics.com stats.g.doubleclick.net securepubads.g.doubleclick.net "
    "pagead2.googlesyndication.com tpc.googlesyndication.com www.googleadservices.com ";
static const char *popular[256];
static size_t popular_count;

/* Splits popular_text into popular[] once. */
static void popular_load(void)
{
    static char buf[sizeof(popular_text)];
    if (popular_count)
        return;
    memcpy(buf, popular_text, sizeof(buf));
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && popular_count < 256;
         w = strtok_r(NULL, " ", &save))
        popular[popular_count++] = w;
}

static void test_browsing_no_alert(void **state)
{
    (void)state;
    struct seen s;
    struct dns_tunnel *d = detector(NULL, &s);
    popular_load();
    const size_t n = popular_count;
    assert_true(n >= 200);
    uint64_t t = T0;
    for (int round = 0; round < 20; round++) {
        for (size_t i = 0; i < n; i++) {
            const char *name = popular[(i * 7 + (size_t)round * 13) % n];
            t += 1 + rnd() % (2 * SEC);
            ask(d, "10.2.0.1", t, name, 1, 0, 90);
            ask(d, "10.2.0.1", t + 20000, name, 28, 0, 110);
            ask(d, "10.2.0.1", t + 40000, name, 65 /* HTTPS */, 0, 80);
        }
        ask(d, "10.2.0.1", t, "www.gooogle.com", 1, 3, 100);
        ask(d, "10.2.0.1", t, "www.exmaple.org", 1, 3, 100);
        dns_tunnel_tick(d, t);
    }
    assert_int_equal(s.tunnel, 0);
    assert_int_equal(s.dga, 0);
    dns_tunnel_free(d);
}

/* An internal forwarder asking for thousands of word-like names under a few
 * big domains: many distinct names, but short and plain — no alert. */
static void test_busy_forwarder_quiet(void **state)
{
    (void)state;
    struct seen s;
    struct dns_tunnel *d = detector(NULL, &s);
    static const char *const words[] = {"mail", "docs", "api",  "static", "img",   "cdn",
                                        "news", "shop", "blog", "video",  "auth",  "login",
                                        "www",  "m",    "app",  "media",  "store", "support"};
    static const char *const domains[] = {"google.com", "microsoft.com", "amazon.com"};
    char name[128];
    uint64_t t = T0;
    for (int i = 0; i < 6000; i++) {
        snprintf(name, sizeof(name), "%s%d.%s.%s", words[rnd() % 18], (int)(rnd() % 40),
                 words[rnd() % 18], domains[rnd() % 3]);
        t += SEC / 2;
        ask(d, "10.2.0.2", t, name, 1, 0, 120);
    }
    assert_int_equal(s.tunnel, 0);
    dns_tunnel_free(d);
}

static uint64_t counter(const struct dns_tunnel *d, const char *name)
{
    return bhv_test_counter(dns_tunnel_counters(d), "detect.dns_tunnel", name);
}

/* Names that look like tunnels and are not: reverse lookups of many hosts,
 * mDNS, DNS-SD and DKIM labels, DNSBL and AV reputation lookups. */
static void test_exclusions(void **state)
{
    (void)state;
    struct seen s;
    struct dns_tunnel *d = detector(NULL, &s);
    char name[256], h[48];
    uint64_t t = T0;
    for (int i = 0; i < 3000; i++) {
        unsigned a = (unsigned)rnd() & 0xffffffu;
        t += SEC / 4;
        snprintf(name, sizeof(name), "%u.%u.%u.10.in-addr.arpa", a & 255, (a >> 8) & 255, a >> 16);
        ask(d, "10.3.0.1", t, name, 12, 3, 100);
        snprintf(name, sizeof(name), "%u.%u.%u.10.zen.spamhaus.org", a & 255, (a >> 8) & 255,
                 a >> 16);
        ask(d, "10.3.0.2", t, name, 1, 3, 100);
        random_text(h, 40, hex);
        snprintf(name, sizeof(name), "%s.hashes.sophosxl.net", h);
        ask(d, "10.3.0.3", t, name, 16, 0, 200);
        random_text(h, 20, base32);
        snprintf(name, sizeof(name), "%s._ipp._tcp.local", h);
        ask(d, "10.3.0.4", t, name, 12, 0, 200);
        snprintf(name, sizeof(name), "%s._domainkey.example.com", h);
        ask(d, "10.3.0.5", t, name, 16, 0, 300);
    }
    assert_int_equal(s.tunnel, 0);
    assert_int_equal(s.dga, 0);
    assert_int_equal(counter(d, "excluded_reverse"), 3000);
    assert_int_equal(counter(d, "excluded_lookup_service"), 6000);
    assert_int_equal(counter(d, "excluded_local"), 3000);
    assert_int_equal(counter(d, "excluded_service_label"), 3000);
    /* The analyst's own allowlist works the same way. */
    assert_int_equal(dns_tunnel_allow(d, "Example.NET"), 0);
    assert_int_equal(dns_tunnel_allow(d, ""), -EINVAL);
    for (int i = 0; i < 500; i++) {
        random_text(h, 45, base32);
        snprintf(name, sizeof(name), "%s.tunnel.example.net", h);
        ask(d, "10.3.0.6", t + (uint64_t)i * SEC, name, 10, 0, 300);
    }
    assert_int_equal(s.tunnel, 0);
    assert_int_equal(counter(d, "excluded_allowlist"), 500);
    dns_tunnel_free(d);
}

/* A bot trying 10,000 generated names, nearly all NXDOMAIN, among its
 * ordinary lookups: one DGA alert per re-alert interval. */
static void test_dga_burst(void **state)
{
    (void)state;
    popular_load();
    struct seen s;
    struct dns_tunnel *d = detector(NULL, &s);
    static const char *const tlds[] = {"com", "net", "org", "info", "ru", "biz"};
    char label[32], name[64];
    uint64_t t = T0;
    for (int i = 0; i < 10000; i++) {
        random_text(label, 8 + (size_t)(rnd() % 9), letters);
        snprintf(name, sizeof(name), "%s.%s", label, tlds[rnd() % 6]);
        t += SEC / 10;
        ask(d, "10.4.0.1", t, name, 1, 3, 100);
        if (i % 10 == 0)
            ask(d, "10.4.0.1", t, popular[i % 200], 1, 0, 100);
    }
    assert_int_equal(s.dga, 1);
    assert_int_equal(s.tunnel, 0);
    struct seen_alert *a = &s.last_dga;
    assert_string_equal(a->signature, "HRADBA BEHAVIOUR DGA-like NXDOMAIN burst from 10.4.0.1");
    assert_string_equal(a->technique, "T1568.002");
    assert_int_equal(a->sid, bhv_alert_sid(2, 2));
    assert_true(a->score >= 0.6 && a->score <= 0.8); /* decided at the first crossing */
    assert_true(a->unique >= 25 && a->unique < 40);
    assert_true(strlen(a->target) > 4);
    assert_true(counter(d, "nxdomain") == 10000);
    dns_tunnel_free(d);
}

/* Ad and tracker names blocked by a sinkhole answering NXDOMAIN, and
 * Chrome's single-label probes: many failures, but words — no alert. */
static void test_dga_words_quiet(void **state)
{
    (void)state;
    popular_load();
    struct seen s;
    struct dns_tunnel *d = detector(NULL, &s);
    static const char *const ads[] = {"doubleclick",
                                      "googlesyndication",
                                      "scorecardresearch",
                                      "criteo",
                                      "taboola",
                                      "outbrain",
                                      "quantserve",
                                      "moatads",
                                      "pubmatic",
                                      "openx",
                                      "casalemedia",
                                      "amazon-adsystem",
                                      "adsrvr",
                                      "demdex",
                                      "omtrdc",
                                      "bluekai",
                                      "exelator",
                                      "everesttech",
                                      "mathtag",
                                      "contextweb",
                                      "yieldmo",
                                      "sharethrough",
                                      "33across",
                                      "lijit",
                                      "sovrn",
                                      "gumgum",
                                      "teads",
                                      "smartadserver",
                                      "adform",
                                      "yieldlab",
                                      "hotjar",
                                      "mixpanel",
                                      "segment",
                                      "optimizely",
                                      "newrelic",
                                      "branch",
                                      "appsflyer",
                                      "adjust",
                                      "kochava",
                                      "chartbeat",
                                      "parsely",
                                      "comscore",
                                      "nielsen",
                                      "rubiconproject",
                                      "adnxs",
                                      "advertising",
                                      "krxd",
                                      "rlcdn",
                                      "agkn",
                                      "turn"};
    static const char *const tlds[] = {"com", "net", "io"};
    char name[96], probe[20];
    uint64_t t = T0;
    for (int round = 0; round < 30; round++) {
        for (size_t i = 0; i < 50; i++) {
            snprintf(name, sizeof(name), "cdn.%s.%s", ads[i], tlds[(i + (size_t)round) % 3]);
            t += SEC;
            ask(d, "10.4.0.2", t, name, 1, 3, 100);
            ask(d, "10.4.0.2", t, popular[(i * 3 + (size_t)round) % 200], 1, 0, 100);
        }
        random_text(probe, 10, letters);
        ask(d, "10.4.0.2", t, probe, 1, 3, 90);
    }
    assert_int_equal(s.dga, 0);
    dns_tunnel_free(d);
}

/* One host asking for a million registered domains, and a hundred thousand
 * hosts: the tables never grow, evictions are counted. */
static void test_bounded(void **state)
{
    (void)state;
    struct dns_tunnel_config cfg;
    dns_tunnel_config_default(&cfg);
    cfg.max_pairs = 1000;
    cfg.max_hosts = 500;
    struct seen s;
    struct dns_tunnel *d = detector(&cfg, &s);
    size_t mem = dns_tunnel_memory(d);
    assert_true(mem < 1000 * 400 + 500 * 300 + 64 * 1024);
    char name[64], client[32];
    uint64_t t = T0;
    for (uint32_t i = 0; i < 1000000; i++) {
        snprintf(name, sizeof(name), "www.d%07u.com", i);
        t += 1000;
        ask(d, "10.5.0.1", t, name, 1, i % 2 ? 3 : 0, 100);
    }
    for (uint32_t i = 0; i < 100000; i++) {
        snprintf(client, sizeof(client), "10.6.%u.%u", i >> 8 & 255, i & 255);
        snprintf(name, sizeof(name), "api.host%u.example.com", i);
        ask(d, client, t + i, name, 1, 0, 100);
    }
    assert_int_equal(dns_tunnel_memory(d), mem);
    assert_true(counter(d, "pairs_evicted") >= 1000000 - 1000);
    assert_true(counter(d, "hosts_evicted") >= 100000 - 500);
    assert_int_equal(s.tunnel, 0);
    dns_tunnel_free(d);
}

/* Time running backwards (a merged capture): late queries are counted and
 * scored at the newest time; a jump back by more than a window starts a new
 * clock. The tunnel still alerts, once. */
static void test_time_backwards(void **state)
{
    (void)state;
    struct seen s;
    struct dns_tunnel *d = detector(NULL, &s);
    char label[64], name[128];
    for (int i = 0; i < 300; i++) {
        random_text(label, 50, base32);
        snprintf(name, sizeof(name), "%s.x.example.org", label);
        uint64_t ts = T0 + (uint64_t)(i % 2 ? i : 300 - i) * SEC; /* zig-zag */
        ask(d, "10.7.0.1", ts, name, 10, 0, 200);
    }
    assert_true(counter(d, "time_backwards") > 100);
    ask(d, "10.7.0.1", 5, "a.example.org", 1, 0, 90); /* decades back */
    ask(d, "10.7.0.1", 0, "b.example.org", 1, 0, 90);
    assert_int_equal(counter(d, "clock_reset"), 1);
    dns_tunnel_tick(d, 0);
    dns_tunnel_tick(d, UINT64_MAX);
    ask(d, "10.7.0.1", UINT64_MAX, "c.example.org", 1, 0, 90);
    dns_tunnel_finish(d, UINT64_MAX);
    assert_int_equal(s.tunnel, 1);
    dns_tunnel_free(d);
}

static FILE *saved(const struct dns_tunnel *d)
{
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(dns_tunnel_save(d, fp), 0);
    rewind(fp);
    return fp;
}

/* Forty names before a restart and a few after add up to an alert: the
 * window's counts survive, and so does the hash key (the forty names asked
 * again do not count as new). Foreign or damaged state is refused. */
static void test_save_load(void **state)
{
    (void)state;
    struct seen s1, s2;
    struct dns_tunnel *d = detector(NULL, &s1);
    char label[64], name[128];
    uint64_t t = T0;
    /* Closed windows of other pairs make a site baseline. */
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "www.site%d.com", i);
        ask(d, "10.8.0.9", t, name, 1, 0, 90);
    }
    dns_tunnel_tick(d, t + 3601 * SEC);
    t += 3601 * SEC;
    char reuse[40][64];
    for (int i = 0; i < 40; i++) {
        random_text(reuse[i], 50, base32);
        snprintf(name, sizeof(name), "%.63s.t.example.com", reuse[i]);
        ask(d, "10.8.0.1", t + (uint64_t)i * SEC, name, 10, 0, 200);
    }
    assert_int_equal(s1.tunnel, 0);
    FILE *fp = saved(d);
    dns_tunnel_free(d);

    d = detector(NULL, &s2);
    char err[160] = "";
    assert_int_equal(dns_tunnel_load(d, fp, err, sizeof(err)), 0);
    fclose(fp);
    for (int i = 0; i < 40; i++) { /* the same names again: not new */
        snprintf(name, sizeof(name), "%.63s.t.example.com", reuse[i]);
        ask(d, "10.8.0.1", t + 40 * SEC, name, 10, 0, 200);
    }
    assert_int_equal(s2.tunnel, 0);
    for (int i = 0; i < 20; i++) {
        random_text(label, 50, base32);
        snprintf(name, sizeof(name), "%s.t.example.com", label);
        ask(d, "10.8.0.1", t + (uint64_t)(50 + i) * SEC, name, 10, 0, 200);
    }
    assert_int_equal(s2.tunnel, 1);
    assert_true(s2.last_tunnel.unique >= 45 && s2.last_tunnel.unique <= 65);
    assert_true(s2.last_tunnel.queries > 80); /* 40 before the restart, 40 repeated, then new */
    assert_int_equal(s2.last_tunnel.baseline, 3);

    /* Not our state: refused, and the detector keeps working. */
    fp = tmpfile();
    fputs("something else entirely, long enough to fill a header ........................"
          "...............................................................................",
          fp);
    rewind(fp);
    assert_int_equal(dns_tunnel_load(d, fp, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "dns_tunnel"));
    fclose(fp);
    /* Cut short: the header loads, the tables report damage. */
    fp = saved(d);
    FILE *cut = tmpfile();
    char buf[500];
    size_t got = fread(buf, 1, sizeof(buf), fp);
    assert_int_equal(got, sizeof(buf));
    fwrite(buf, 1, got, cut);
    rewind(cut);
    assert_int_equal(dns_tunnel_load(d, cut, err, sizeof(err)), -EIO);
    fclose(cut);
    fclose(fp);
    ask(d, "10.8.0.1", t + 100 * SEC, "www.example.com", 1, 0, 90);
    dns_tunnel_free(d);
}

static void test_config_and_options(void **state)
{
    (void)state;
    struct dns_tunnel_config cfg;
    dns_tunnel_config_default(&cfg);
    assert_true(dns_tunnel_option_count >= 10);
    for (size_t i = 0; i < dns_tunnel_option_count; i++) {
        const struct bhv_option *o = &dns_tunnel_options[i];
        assert_true(strncmp(o->key, "dns_tunnel.", 11) == 0);
        assert_true(o->offset < sizeof(cfg));
        assert_non_null(o->help);
        for (size_t k = 0; k < i; k++)
            assert_true(strcmp(o->key, dns_tunnel_options[k].key) != 0);
    }
    struct bhv_sink sink = {NULL, NULL};
    struct dns_tunnel_config bad = cfg;
    bad.threshold = 1.5;
    assert_null(dns_tunnel_new(&bad, the_psl, &sink));
    bad = cfg;
    bad.window_s = 0;
    assert_null(dns_tunnel_new(&bad, the_psl, &sink));
    bad = cfg;
    bad.max_pairs = 0;
    assert_null(dns_tunnel_new(&bad, the_psl, &sink));
    assert_null(dns_tunnel_new(NULL, the_psl, &sink));
    /* Without a list of its own it uses the built-in one; NULL sink is fine. */
    struct dns_tunnel *d = dns_tunnel_new(&cfg, NULL, NULL);
    assert_non_null(d);
    char label[64], name[128];
    for (int i = 0; i < 200; i++) {
        random_text(label, 50, base32);
        snprintf(name, sizeof(name), "%s.t.example.co.uk", label);
        ask(d, "10.9.0.1", T0 + (uint64_t)i * SEC, name, 10, 0, 200);
    }
    assert_int_equal(counter(d, "alerts_tunnel"), 1);
    /* Outside clients are not ours to judge by default. */
    struct bhv_dns q = {.ts_us = T0,
                        .client = ip4("192.0.2.1"),
                        .server = ip4("10.0.0.53"),
                        .qname = "x.example.com",
                        .is_client_internal = false};
    dns_tunnel_dns(d, &q);
    q.qname = NULL;
    dns_tunnel_dns(d, &q);
    dns_tunnel_dns(d, NULL);
    assert_int_equal(counter(d, "external_client_skipped"), 1);
    assert_int_equal(counter(d, "no_name"), 1);
    dns_tunnel_free(d);
    dns_tunnel_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iodine_like_tunnel),
        cmocka_unit_test(test_realert_interval),
        cmocka_unit_test(test_dnscat_invalid_tld),
        cmocka_unit_test(test_browsing_no_alert),
        cmocka_unit_test(test_busy_forwarder_quiet),
        cmocka_unit_test(test_exclusions),
        cmocka_unit_test(test_dga_burst),
        cmocka_unit_test(test_dga_words_quiet),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_time_backwards),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_config_and_options),
    };
    return cmocka_run_group_tests(tests, setup_psl, teardown_psl);
}
