/* dns_dump.c — reads DNS messages as hex, one per line, from stdin and
 * prints the record fields dns_vs_tshark.py compares, one line each:
 *   qr|id|rcode|qname|qtype|rrnames|rrtypes|event   (answers then authorities)
 * or "INVALID|event". A test tool, not part of hradba. */
#include <stdio.h>
#include <string.h>

#include "proto/dns/dns_message.h"

static struct dns_message msg; /* large: static rather than on the stack */
static char line[2 * 65536 + 16];
static unsigned char buf[65536];

static void print_rrs(const struct dns_record *r, bool is_type)
{
    const struct dns_answer *sections[2] = {r->answers, r->authorities};
    const size_t counts[2] = {r->answer_count, r->authority_count};
    const char *sep = "";
    for (size_t s = 0; s < 2; s++) {
        for (size_t i = 0; i < counts[s]; i++) {
            if (is_type)
                printf("%s%u", sep, (unsigned)sections[s][i].rrtype);
            else
                printf("%s%s", sep, sections[s][i].rrname);
            sep = ",";
        }
    }
    printf("|");
}

int main(void)
{
    while (fgets(line, sizeof(line), stdin)) {
        size_t n = 0;
        for (const char *h = line; h[0] && h[1] && h[0] != '\n' && n < sizeof(buf); h += 2) {
            unsigned v;
            if (sscanf(h, "%2x", &v) != 1)
                break;
            buf[n++] = (unsigned char)v;
        }
        const char *ev;
        if (dns_message_parse(&msg, buf, n, &ev) == DNS_MESSAGE_INVALID) {
            printf("INVALID|%s\n", ev);
            continue;
        }
        const struct dns_record *r = &msg.rec;
        const struct dns_question *q = r->question_count ? &r->questions[0] : NULL;
        printf("%d|%u|%u|%s|%u|", r->is_response, (unsigned)r->id, (unsigned)r->rcode,
               q ? q->rrname : "", q ? (unsigned)q->rrtype : 0);
        print_rrs(r, false);
        print_rrs(r, true);
        printf("%s\n", ev ? ev : "");
    }
    return 0;
}
