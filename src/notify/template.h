/*
 * template.h - the message templates: a small subset of Mustache
 * (docs/templates.md), compiled once and rendered once per message.
 *
 *   {{name}}                the value of name (HTML-escaped in a template
 *                           compiled as HTML, as is in a text template)
 *   {{#name}}...{{/name}}   shown when name is set and not empty; for a
 *                           list, once per item with the item's fields as
 *                           variables (names the item lacks are looked up
 *                           in the enclosing scopes)
 *   {{^name}}...{{/name}}   shown when name is unset or empty
 *   {{! comment }}          dropped; may span lines
 *
 * Blanks (space, tab) are allowed around a name: {{ name }}; a tag other
 * than a comment ends on the line it starts. A section,
 * inverted-section, closing or comment tag alone on its line, with only
 * blanks around it, is "standalone": the whole line goes, including its
 * line end (LF or CRLF), so sections leave no blank lines behind. A
 * variable tag is never standalone. Every other form of Mustache
 * ({{{x}}}, {{&x}}, {{>x}}, {{=x=}}) is an error, so that nothing can
 * bypass the HTML escaping.
 *
 * Variables are named by the caller's list of known names; any other name
 * in a template is an error at compile time (a typo must not reach six
 * million people). A variable is identified by its index in that list
 * (tpl_var_index()), and the data to render is an array of values by index:
 *
 *   known_vars {"name", "leaked", "label", NULL}: indexes 0, 1, 2
 *   struct tpl_value item[3] = {[2] = {"IBAN", 4}};
 *   struct tpl_data items[1] = {{item, 3}};
 *   struct tpl_value v[2] = {{"Jan", 3}, {.items = items, .nitems = 1}};
 *   struct tpl_data d = {v, 2};
 *   tpl_render(t, &d, &out);
 *
 * Rendering allocates nothing but what out needs to grow. A compiled
 * struct tpl is immutable: any number of threads may render it at once.
 */
#ifndef TOCSIN_NOTIFY_TEMPLATE_H
#define TOCSIN_NOTIFY_TEMPLATE_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"
#include "../util/limits.h"

struct tpl; /* opaque: a compiled template */

struct tpl_data;

/*
 * One variable's value. A list when items is not NULL: nitems records
 * items[0..nitems), each a struct tpl_data indexed like the top level;
 * otherwise a string str[0..len) (need not be NUL-terminated; may hold any
 * bytes, inserted as they are apart from HTML escaping). str == NULL and
 * items == NULL: unset. Truth for sections: a string with len > 0, a list
 * with nitems > 0.
 */
struct tpl_value {
    const char *str;
    size_t len;
    const struct tpl_data *items;
    size_t nitems;
};

/*
 * The values of one scope (the top level or one list item): values[i] is
 * the variable with index i; indexes at or past count are unset. In a list
 * item, an unset variable is looked up in the enclosing scopes (the outer
 * item, then the top level).
 */
struct tpl_data {
    const struct tpl_value *values;
    size_t count;
};

/*
 * Compile the template src[0..len) (UTF-8; need not be NUL-terminated; a
 * leading byte-order mark is skipped). html: 1 to HTML-escape variables
 * (& < > " ' as &amp; &lt; &gt; &quot; &#39;), 0 to insert them as they are.
 * known_vars: the names a template may use, list item fields included,
 * NULL-terminated; a name is 1 to LIMIT_TPL_NAME bytes of A-Z a-z 0-9 _,
 * at most LIMIT_TPL_VARS of them, no duplicates. Borrowed for the call:
 * src and known_vars; *out is the caller's (tpl_free()).
 *
 * Errors, with a message in *why (may be NULL) naming line:column (lines
 * and columns from 1, columns in characters, after a byte-order mark) of
 * the "{{" of the tag at fault, or of the bad byte:
 *   TOCSIN_EFORMAT  "unknown variable 'nmae' at 3:10",
 *                   "unclosed section 'leaked' opened at 12:5", an
 *                   unmatched or mismatched closing tag, an unterminated
 *                   tag or comment, an empty or invalid name, an
 *                   unsupported tag, invalid UTF-8 or a NUL byte;
 *   TOCSIN_ELIMIT   len over LIMIT_TEMPLATE_BYTES, sections nested deeper
 *                   than LIMIT_TPL_DEPTH, a name over LIMIT_TPL_NAME bytes;
 *   TOCSIN_EINVAL   a bad known_vars list (the message says why);
 *   TOCSIN_ENOMEM.
 * *out is NULL on error.
 */
TOCSIN_MUST_CHECK int tpl_compile(const char *src, size_t len, int html,
                                  const char *const *known_vars,
                                  struct tpl **out, struct buf *why);

/* Free t (NULL is fine). */
void tpl_free(struct tpl *t);

/* The index of a known variable (its position in known_vars), or -1 when
 * name is not one. For building struct tpl_data; resolve once. */
int tpl_var_index(const struct tpl *t, const char *name);

/* The number of known variables: indexes run 0 .. tpl_var_count(t) - 1. */
size_t tpl_var_count(const struct tpl *t);

/* Whether the template uses variable idx anywhere (as a variable or a
 * section): 1 or 0. For checks such as "every body shows the
 * verification code". */
int tpl_uses(const struct tpl *t, size_t idx);

/* Whether t was compiled as HTML: 1 or 0. */
int tpl_is_html(const struct tpl *t);

/*
 * Render t with the values d and append the result to out. Allocates
 * nothing itself; d is only read. Errors: TOCSIN_EINVAL when a list is
 * given for a {{name}} tag (a list has no text; a section wants it),
 * TOCSIN_ELIMIT when out would pass its maximum, TOCSIN_ENOMEM; out is
 * then as it was before the call.
 */
TOCSIN_MUST_CHECK int tpl_render(const struct tpl *t, const struct tpl_data *d,
                                 struct buf *out);

#endif
