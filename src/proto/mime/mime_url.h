/* mime_url.h — finds the URLs in the decoded text of a mail part, as its
 * bytes stream past.
 *
 * Plain text: absolute URLs with the schemes http, https, ftp, mailto, and
 * host names starting "www.", cut at whitespace, quotes and angle brackets,
 * trailing punctuation dropped. HTML: the same in text, plus the values of
 * the attributes that name a resource (href, src, background, action, ...),
 * with "&amp;" turned back into '&'; an <img> source or a background image
 * is flagged MIME_URL_IMAGE: a remote image in a mail is how tracking pixels
 * report that it was opened. Relative references and cid: are skipped. Not
 * an HTML parser: comments, scripts and CSS are read as text or tags.
 */
#ifndef HRADBA_PROTO_MIME_MIME_URL_H
#define HRADBA_PROTO_MIME_MIME_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/mime/mime_list.h"

enum {
    MIME_URL_MAX = 2048, /* bytes of one URL; longer ones are dropped and counted */
    MIME_URL_IMAGE = 1,  /* flag in the list: an image source */
};

struct mime_url {
    struct mime_list *out;
    bool is_html;
    uint8_t state;
    uint8_t quote;
    bool is_img; /* the tag being read is <img> */
    uint8_t tag[8];
    uint8_t tag_len;
    uint8_t attr[16];
    uint8_t attr_len;
    bool is_long; /* the word or value being read passed MIME_URL_MAX */
    size_t len;
    uint8_t buf[MIME_URL_MAX];
    uint64_t too_long; /* URLs (or candidate words) dropped for length */
};

/* Starts a part: HTML or plain text, URLs added to out (flags MIME_URL_IMAGE). */
void mime_url_start(struct mime_url *u, bool is_html, struct mime_list *out);
/* n more decoded bytes of the part. */
void mime_url_feed(struct mime_url *u, const uint8_t *p, size_t n);
/* The part ended: a URL at its very end is taken. */
void mime_url_finish(struct mime_url *u);

#endif
