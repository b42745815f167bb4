/*
 * report.h - the regulator report: the figures of an assessed case as the
 * JSON object docs/report.md documents (render.h writes it as Markdown
 * or HTML).
 *
 * Every figure comes from the case database: the ingest accounting
 * (sources), the resolve figures (person_records, links), and the rows
 * assess wrote (exposed_persons per person, exposures per person and
 * brand, meta 'assess'). The texts come from case.ini. Counts of persons
 * and records from 1 to small_count - 1 become the string "< N"; nothing
 * personal is read or written.
 */
#ifndef TOCSIN_REPORT_REPORT_H
#define TOCSIN_REPORT_REPORT_H

#include <json-c/json.h>

#include "../store/casedir.h"
#include "../util/buf.h"
#include "../util/error.h"

/*
 * Build the report of case c into *out (caller frees with
 * json_object_put). lang ("nl", "en" or NULL for the case's) is recorded
 * as the report's language. Errors: TOCSIN_ENOENT when the case is not
 * assessed, or its assessment is of older persons or records (resolve or
 * ingest ran since: *why says which command to run), TOCSIN_EDB,
 * TOCSIN_EFORMAT (a damaged meta 'assess'), TOCSIN_ENOMEM.
 */
TOCSIN_MUST_CHECK int report_build(struct casedir *c, const char *lang,
                                   struct json_object **out, struct buf *why);

#endif
