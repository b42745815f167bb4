/*
 * render.h - the regulator report as Markdown and as an HTML page.
 *
 * Both writers take the report as the json-c object docs/report.md
 * describes (format "tocsin-report", version 1) and write the same figures
 * in the same order: title, key figures, timeline, nature of the breach,
 * data categories, risk, special groups, reachability, brands, input
 * accounting, resolution, consequences, measures, DPO and the answers to
 * the AP's meldformulier datalekken.
 *
 * The whole object is checked before anything is written: every member
 * docs/report.md lists must be there with its type (members it does not
 * list are ignored). Texts from the JSON are escaped for the output format;
 * C0/C1 control characters are dropped and malformed UTF-8 becomes U+FFFD.
 * Integers are grouped by thousands: "6 232 319" (nl; in HTML with U+202F
 * NARROW NO-BREAK SPACE so a number never breaks across lines) and
 * "6,232,319" (en). A count given as a string ("< 10") is shown as it is.
 *
 * The HTML is one self-contained HTML5 page: inline CSS (A4 print) and
 * inline SVG charts, no scripts, no event attributes, no external
 * references.
 */
#ifndef TOCSIN_REPORT_RENDER_H
#define TOCSIN_REPORT_RENDER_H

#include <json-c/json.h>

#include "../util/buf.h"
#include "../util/error.h"

/*
 * Write the report r as Markdown (render_markdown) or as a self-contained
 * HTML page (render_html), appended to out. r is borrowed and not changed.
 * lang is "nl" or "en": the language of headings, labels and explanations
 * (figures and the texts of case.ini stay as they are); NULL takes the
 * report's own "language".
 *
 * Errors: TOCSIN_EINVAL when r lacks a member, has one of the wrong type or
 * value, or lang is not nl/en; TOCSIN_ELIMIT when an array, text or count
 * string is over its limit (LIMIT_REPORT_* in limits.h) or out reaches its
 * maximum; TOCSIN_ENOMEM. On an error out is left as it was and, when why
 * is not NULL, why is set to a one-line message naming the member (e.g.
 * "incident.timeline.detected: missing"); it holds no personal data.
 */
TOCSIN_MUST_CHECK int render_markdown(const struct json_object *r,
                                      const char *lang, struct buf *out,
                                      struct buf *why);
TOCSIN_MUST_CHECK int render_html(const struct json_object *r,
                                  const char *lang, struct buf *out,
                                  struct buf *why);

#endif
