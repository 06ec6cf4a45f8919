/* read_floor.c — the read floor: the fastest a program can walk a capture
 * file through libpcap, touching one byte per frame so nothing is optimised
 * away. hradba's throughput is reported as a fraction of this.
 * usage: read_floor FILE */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "read_floor: %s\n", err);
        return 1;
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t n = 0, bytes = 0, sum = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
        n++;
        bytes += h->len;
        if (h->caplen)
            sum += d[0];
    }
    pcap_close(p);
    printf("%llu packets %llu bytes (checksum %llu)\n", (unsigned long long)n,
           (unsigned long long)bytes, (unsigned long long)sum);
    return rc == PCAP_ERROR ? 1 : 0;
}
