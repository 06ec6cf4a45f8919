/* label_stats.c — character measures of DNS names (label_stats.h). */
#include "detect/dns_tunnel/label_stats.h"

#include <math.h>
#include <string.h>

/* Reads one octet of escaped text at text[*i], advancing *i. */
static unsigned char next_octet(const char *text, size_t len, size_t *i)
{
    static const char c_escapes[] = "abtnvfr"; /* 0x07..0x0d, as dns_name writes them */
    unsigned char c = (unsigned char)text[*i];
    if (c != '\\' || *i + 1 >= len) {
        (*i)++;
        return c;
    }
    unsigned char d = (unsigned char)text[*i + 1];
    if (*i + 3 < len && d >= '0' && d <= '3' && text[*i + 2] >= '0' && text[*i + 2] <= '7' &&
        text[*i + 3] >= '0' && text[*i + 3] <= '7') {
        unsigned v = (unsigned)(d - '0') * 64 + (unsigned)(text[*i + 2] - '0') * 8 +
                     (unsigned)(text[*i + 3] - '0');
        *i += 4;
        return (unsigned char)v;
    }
    const char *e = d ? strchr(c_escapes, d) : NULL;
    if (e) {
        *i += 2;
        return (unsigned char)(0x07 + (e - c_escapes));
    }
    (*i)++;
    return c;
}

void label_stats_measure(const char *text, size_t len, struct label_stats *s)
{
    memset(s, 0, sizeof(*s));
    uint16_t hist[256];
    memset(hist, 0, sizeof(hist));
    uint32_t label = 0;
    for (size_t i = 0; i < len;) {
        unsigned char o = next_octet(text, len, &i);
        if (o == '.') {
            if (label > s->max_label)
                s->max_label = label;
            if (label > 0)
                s->labels++;
            label = 0;
            continue;
        }
        label++;
        s->octets++;
        if (o >= 'A' && o <= 'Z')
            o = (unsigned char)(o - 'A' + 'a');
        if (hist[o] < UINT16_MAX)
            hist[o]++;
        if (o >= 'a' && o <= 'z') {
            s->letters++;
            s->vowels += strchr("aeiou", o) != NULL;
        } else if (o >= '0' && o <= '9') {
            s->digits++;
        } else if (o != '-' && o != '_') {
            s->other++;
        }
    }
    if (label > s->max_label)
        s->max_label = label;
    if (label > 0)
        s->labels++;
    if (s->octets < 2)
        return;
    double n = s->octets, h = 0.0;
    for (unsigned c = 0; c < 256; c++)
        if (hist[c])
            h -= hist[c] / n * log2(hist[c] / n);
    s->entropy = h;
}

static double ramp(double x, double lo, double hi)
{
    return x <= lo ? 0.0 : x >= hi ? 1.0 : (x - lo) / (hi - lo);
}

double label_stats_randomness(const struct label_stats *s)
{
    if (s->octets == 0)
        return 0.0;
    /* English text has ~38 % vowels among letters; uniform random letters
     * 5/26 ≈ 19 %. Fewer than 4 letters say nothing ("www", "s3"). */
    double vowel_short =
        s->letters >= 4 ? ramp(0.38 - (double)s->vowels / s->letters, 0.0, 0.2) : 0.0;
    /* 4p(1-p) of the digit share: 0 for words or numbers, 1 for an even mix
     * (hex is 10/16 digits: 0.94). */
    uint32_t alnum = s->letters + s->digits;
    double p = alnum ? (double)s->digits / alnum : 0.0;
    double mixed = 4.0 * p * (1.0 - p);
    double length = ramp(s->octets, 8, 16);
    double entropy = ramp(s->entropy, 2.5, 3.5);
    double words = (vowel_short + mixed + length + entropy) / 4.0;
    double binary = ramp((double)s->other / s->octets, 0.0, 0.1);
    return binary > words ? binary : words;
}
