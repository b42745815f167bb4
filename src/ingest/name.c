#include "name.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "../util/utf8.h"

/*
 * Room for the UTF-8 of a cleaned name: NFC grows UTF-8 text at most three
 * times (Unicode normalization FAQ, "maximum expansion factor"); a longer
 * result is refused all the same (clean_into()).
 */
#define NAME_CLEAN_MAX (3 * LIMIT_NAME_INPUT)

/* Words of a last name that name_split() looks at; more: no split. */
#define NAME_TOKENS 64

/* Longest key of a word that can be (part of) an infix, plus NUL. */
#define TOKEN_KEY 16

/* Scratch space of one normalisation; the result is written back into the
 * same memory as UTF-8 (see encode()). */
struct nwork {
    utf8proc_int32_t cp[LIMIT_NAME_CODEPOINTS];
    size_t used; /* bytes of cp written since the last nwork_wipe() */
};

/* Overwrite what a normalisation left of the name in w. */
static void
nwork_wipe(struct nwork *w)
{
    explicit_bzero(w->cp, w->used);
    w->used = 0;
}

static void
nwork_used(struct nwork *w, size_t bytes)
{
    if (bytes > w->used)
        w->used = bytes;
}

enum cclass {
    CC_KEEP,
    CC_SPACE,
    CC_DROP,
};

int
name_utf8_check(const char *in, size_t len, size_t *bad_at)
{
    size_t ok = utf8_valid_prefix(in, len);

    if (bad_at != NULL)
        *bad_at = ok;
    return ok == len ? TOCSIN_OK : TOCSIN_EFORMAT;
}

/* Decode one code point of well-formed UTF-8 at s[*i] (checked before:
 * the sequence is whole), advancing *i. */
static utf8proc_int32_t
u8dec(const unsigned char *s, size_t *i)
{
    uint32_t cp;
    int k = utf8_decode(s + *i, 4, &cp);

    *i += k > 0 ? (size_t)k : 1;
    return (utf8proc_int32_t)cp;
}

/* Validate; *ascii tells whether every byte is below 0x80. */
static int
check_input(const char *in, size_t len, int *ascii)
{
    size_t i;

    if (len > LIMIT_NAME_INPUT)
        return TOCSIN_EFORMAT;
    for (i = 0; i < len; i++)
        if ((unsigned char)in[i] >= 0x80)
            break;
    *ascii = i == len;
    if (*ascii)
        return TOCSIN_OK;
    return name_utf8_check(in, len, NULL);
}

static int
is_ws_control(utf8proc_int32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x85;
}

/* What the display form does with a code point. */
static enum cclass
clean_class(utf8proc_int32_t c)
{
    if (c < 0x80) {
        if (c == ' ' || is_ws_control(c))
            return CC_SPACE;
        if (c < 0x20 || c == 0x7F)
            return CC_DROP;
        return CC_KEEP;
    }
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return CC_SPACE;
    case UTF8PROC_CATEGORY_CC:
        return is_ws_control(c) ? CC_SPACE : CC_DROP;
    case UTF8PROC_CATEGORY_CF:
        return c == 0x200C || c == 0x200D ? CC_KEEP : CC_DROP;
    default:
        return CC_KEEP;
    }
}

/* Apostrophe look-alikes that the key removes. */
static int
is_apostrophe(utf8proc_int32_t c)
{
    switch (c) {
    case 0x0027: /* ' */
    case 0x0060: /* ` */
    case 0x00B4: /* acute accent */
    case 0x00B7: /* middle dot (Catalan l.l) */
    case 0x02B9: /* modifier letter prime */
    case 0x02BB: /* modifier letter turned comma (okina) */
    case 0x02BC: /* modifier letter apostrophe */
    case 0x02BD: /* modifier letter reversed comma */
    case 0x2018: /* left single quotation mark */
    case 0x2019: /* right single quotation mark */
    case 0x201B: /* single high-reversed-9 quotation mark */
    case 0x2032: /* prime */
    case 0xFF07: /* fullwidth apostrophe */
        return 1;
    default:
        return 0;
    }
}

/*
 * Applied by utf8proc to every input code point before decomposition:
 * apostrophes and spacing modifier symbols (acute, diaeresis, tilde, ...)
 * become ', because NFKC would turn some of them into a space and a mark.
 */
static utf8proc_int32_t
key_premap(utf8proc_int32_t c, void *data)
{
    (void)data;
    if (c < 0x80)
        return c == '`' || c == '^' ? '\'' : c;
    if (is_apostrophe(c) || utf8proc_category(c) == UTF8PROC_CATEGORY_SK)
        return '\'';
    return c;
}

/* What the key does with a code point (after case folding). */
static enum cclass
key_class(utf8proc_int32_t c)
{
    if (c < 0x80) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            return CC_KEEP;
        if (c >= 'A' && c <= 'Z')
            return CC_KEEP; /* only on the ASCII path, lower-cased there */
        if (c == '\'' || c == '`' || c == '^')
            return CC_DROP;
        if (is_ws_control(c))
            return CC_SPACE;
        if (c < 0x20 || c == 0x7F)
            return CC_DROP;
        return CC_SPACE;
    }
    if (is_apostrophe(c))
        return CC_DROP;
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_CC:
        return is_ws_control(c) ? CC_SPACE : CC_DROP;
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_SK:
        return CC_DROP;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SO:
        return CC_SPACE;
    default:
        return CC_KEEP; /* letters, numbers, private use, unassigned */
    }
}

/* Letters without a decomposition, after case folding: their key. */
static const char *
key_fold(utf8proc_int32_t c)
{
    switch (c) {
    case 0x00DF: /* sharp s (case folding already gives ss) */
        return "ss";
    case 0x00E6: /* ae */
        return "ae";
    case 0x00F0: /* eth */
    case 0x0111: /* d with stroke */
    case 0x0256: /* d with tail */
    case 0x0257: /* d with hook */
        return "d";
    case 0x00F8: /* o with stroke */
    case 0x0254: /* open o */
        return "o";
    case 0x00FE: /* thorn */
        return "th";
    case 0x0127: /* h with stroke */
        return "h";
    case 0x0131: /* dotless i */
    case 0x0268: /* i with stroke */
        return "i";
    case 0x0133: /* ij (NFKC already gives ij) */
        return "ij";
    case 0x0138: /* kra */
    case 0x0199: /* k with hook */
        return "k";
    case 0x0142: /* l with stroke */
        return "l";
    case 0x014B: /* eng */
        return "ng";
    case 0x0153: /* oe */
        return "oe";
    case 0x0167: /* t with stroke */
        return "t";
    case 0x0180: /* b with stroke */
    case 0x0253: /* b with hook */
        return "b";
    case 0x0192: /* f with hook */
        return "f";
    case 0x01B4: /* y with hook */
        return "y";
    case 0x0259: /* schwa (Azerbaijani: Aliyev) */
        return "a";
    case 0x025B: /* open e */
        return "e";
    case 0x0289: /* u bar */
        return "u";
    default:
        return NULL;
    }
}

/*
 * Put combining marks back in canonical order after characters between
 * them were dropped (an insertion sort by combining class, as in UAX #15).
 */
static void
canonical_order(utf8proc_int32_t *cp, size_t n)
{
    size_t i, j;
    utf8proc_int32_t c;
    int cc;

    for (i = 1; i < n; i++) {
        c = cp[i];
        if (c < 0x300)
            continue;
        cc = utf8proc_get_property(c)->combining_class;
        if (cc == 0)
            continue;
        for (j = i; j > 0; j--) {
            if (cp[j - 1] < 0x300 ||
                utf8proc_get_property(cp[j - 1])->combining_class <= cc)
                break;
            cp[j] = cp[j - 1];
        }
        cp[j] = c;
    }
}

/*
 * Write cp[0..n) as UTF-8 over the same memory, folding key letters when
 * fold is set. Safe in place: code point i is read before its at most 4
 * bytes are written, at an offset no greater than 4 * i.
 */
static size_t
encode(struct nwork *w, size_t n, int fold)
{
    unsigned char *b = (unsigned char *)w->cp;
    size_t i, o = 0, k;
    utf8proc_int32_t c;
    const char *f;

    for (i = 0; i < n; i++) {
        c = w->cp[i];
        if (c < 0x80) {
            b[o++] = (unsigned char)c;
        } else if (fold && (f = key_fold(c)) != NULL) {
            for (k = 0; f[k] != '\0'; k++)
                b[o++] = (unsigned char)f[k];
        } else {
            o += (size_t)utf8proc_encode_char(c, b + o);
        }
    }
    return o;
}

/*
 * Filter cp[0..n) in place by class: drop, or collapse runs of spaces to
 * one U+0020 and trim both ends. Returns the new length; *dropped tells
 * whether anything but a space was removed.
 */
static size_t
filter(utf8proc_int32_t *cp, size_t n, enum cclass (*cls)(utf8proc_int32_t),
       int *dropped)
{
    size_t i, o = 0;
    int pending = 0;

    *dropped = 0;
    for (i = 0; i < n; i++) {
        switch (cls(cp[i])) {
        case CC_SPACE:
            pending = o > 0;
            break;
        case CC_DROP:
            *dropped = 1;
            break;
        case CC_KEEP:
            if (pending)
                cp[o++] = ' ';
            pending = 0;
            cp[o++] = cp[i];
            break;
        }
    }
    return o;
}

/* ASCII input: NFC and NFKC are the identity; filter bytes directly. */
static size_t
ascii_pass(const char *in, size_t len, unsigned char *b, int key)
{
    size_t i, o = 0;
    int pending = 0;
    utf8proc_int32_t c;

    for (i = 0; i < len; i++) {
        c = (unsigned char)in[i];
        switch (key ? key_class(c) : clean_class(c)) {
        case CC_SPACE:
            pending = o > 0;
            break;
        case CC_DROP:
            break;
        case CC_KEEP:
            if (pending)
                b[o++] = ' ';
            pending = 0;
            if (key && c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            b[o++] = (unsigned char)c;
            break;
        }
    }
    return o;
}

/*
 * The display form (key 0) or the key (key 1) of in[0..len) as UTF-8 at
 * (char *)w->cp, *olen bytes.
 */
static int
normalise(const char *in, size_t len, struct nwork *w, int key, size_t *olen)
{
    utf8proc_option_t opt = UTF8PROC_COMPOSE;
    utf8proc_ssize_t n;
    size_t m;
    int ascii, dropped, rc;

    *olen = 0;
    rc = check_input(in, len, &ascii);
    if (rc != TOCSIN_OK)
        return rc;
    if (ascii) {
        *olen = ascii_pass(in, len, (unsigned char *)w->cp, key);
        nwork_used(w, *olen);
        return TOCSIN_OK;
    }
    if (key)
        opt |= UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK;
    n = utf8proc_decompose_custom(
        (const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len, w->cp,
        LIMIT_NAME_CODEPOINTS, opt, key ? key_premap : NULL, NULL);
    if (n < 0)
        return TOCSIN_EFORMAT;
    if (n > LIMIT_NAME_CODEPOINTS) {
        nwork_used(w, sizeof(w->cp)); /* partly written */
        return TOCSIN_EFORMAT;
    }
    nwork_used(w, (size_t)n * sizeof(w->cp[0]));
    m = filter(w->cp, (size_t)n, key ? key_class : clean_class, &dropped);
    if (dropped && !key)
        canonical_order(w->cp, m);
    n = utf8proc_normalize_utf32(w->cp, (utf8proc_ssize_t)m, UTF8PROC_COMPOSE);
    if (n < 0)
        return TOCSIN_EFORMAT;
    *olen = encode(w, (size_t)n, key);
    return TOCSIN_OK;
}

static int
normalise_buf(const char *in, size_t len, struct buf *out, int key)
{
    struct nwork w;
    size_t olen;
    int rc;

    w.used = 0;
    buf_reset(out);
    rc = normalise(in, len, &w, key, &olen);
    if (rc == TOCSIN_OK)
        rc = buf_append(out, w.cp, olen);
    if (rc != TOCSIN_OK)
        buf_reset(out);
    nwork_wipe(&w);
    return rc;
}

int
name_clean(const char *in, size_t len, struct buf *out)
{
    return normalise_buf(in, len, out, 0);
}

int
name_key(const char *in, size_t len, struct buf *out)
{
    return normalise_buf(in, len, out, 1);
}

/* --- Infixes ----------------------------------------------------------- */

enum {
    IX_ABBREV = 1u << 0,   /* an abbreviation */
    IX_SEPARATE = 1u << 1, /* only in the separate infix field */
    IX_GLUE = 1u << 2,     /* recognised glued to the surname */
};

struct infix_entry {
    const char *key;   /* keys of the words, spaces removed, one space
                          between words */
    const char *canon; /* canonical written form */
    const char *cls;   /* matching class */
    unsigned flags;
};

/* Dutch voorvoegsels (after the GBA table), German and Romance particles.
 * Sorted by key for bsearch(). */
static const struct infix_entry infixes[] = {
    {"aan", "aan", "aan", 0},
    {"aan de", "aan de", "aan de", 0},
    {"aan den", "aan den", "aan den", 0},
    {"aan der", "aan der", "aan der", 0},
    {"aan het", "aan het", "aan 't", 0},
    {"aan t", "aan 't", "aan 't", 0},
    {"bij", "bij", "bij", 0},
    {"bij de", "bij de", "bij de", 0},
    {"bij den", "bij den", "bij den", 0},
    {"bij het", "bij het", "bij 't", 0},
    {"bij t", "bij 't", "bij 't", 0},
    {"d", "d'", "d'", IX_SEPARATE},
    {"da", "da", "da", 0},
    {"das", "das", "das", 0},
    {"de", "de", "de", 0},
    {"de l", "de l'", "de l'", IX_SEPARATE},
    {"de la", "de la", "de la", 0},
    {"de las", "de las", "de las", 0},
    {"de los", "de los", "de los", 0},
    {"del", "del", "del", 0},
    {"della", "della", "della", 0},
    {"den", "den", "den", 0},
    {"der", "der", "der", 0},
    {"des", "des", "des", 0},
    {"di", "di", "di", 0},
    {"dos", "dos", "dos", 0},
    {"du", "du", "du", 0},
    {"het", "het", "'t", 0},
    {"in", "in", "in", 0},
    {"in de", "in de", "in de", 0},
    {"in den", "in den", "in den", 0},
    {"in der", "in der", "in der", 0},
    {"in het", "in het", "in 't", 0},
    {"in t", "in 't", "in 't", 0},
    {"l", "l'", "l'", IX_SEPARATE},
    {"onder", "onder", "onder", 0},
    {"onder de", "onder de", "onder de", 0},
    {"onder den", "onder den", "onder den", 0},
    {"op", "op", "op", 0},
    {"op de", "op de", "op de", IX_GLUE},
    {"op den", "op den", "op den", IX_GLUE},
    {"op der", "op der", "op der", 0},
    {"op het", "op het", "op 't", 0},
    {"op t", "op 't", "op 't", 0},
    {"op ten", "op ten", "op ten", 0},
    {"over", "over", "over", 0},
    {"over de", "over de", "over de", 0},
    {"over den", "over den", "over den", 0},
    {"over het", "over het", "over 't", 0},
    {"over t", "over 't", "over 't", 0},
    {"t", "'t", "'t", 0},
    {"te", "te", "te", 0},
    {"ten", "ten", "ten", 0},
    {"ter", "ter", "ter", 0},
    {"toe", "toe", "toe", 0},
    {"tot", "tot", "tot", 0},
    {"uit", "uit", "uit", 0},
    {"uit de", "uit de", "uit de", IX_GLUE},
    {"uit den", "uit den", "uit den", IX_GLUE},
    {"uit het", "uit het", "uit 't", 0},
    {"uit t", "uit 't", "uit 't", 0},
    {"uit te de", "uit te de", "uit te de", 0},
    {"uit ten", "uit ten", "uit ten", 0},
    {"v", "v.", "van", IX_ABBREV | IX_SEPARATE},
    {"v d", "v.d.", "vd", IX_ABBREV},
    {"van", "van", "van", 0},
    {"van de", "van de", "vd", IX_GLUE},
    {"van den", "van den", "vd", IX_GLUE},
    {"van der", "van der", "vd", IX_GLUE},
    {"van het", "van het", "van 't", 0},
    {"van t", "van 't", "van 't", 0},
    {"van ter", "van ter", "van ter", 0},
    {"vande", "van de", "vd", 0},
    {"vanden", "van den", "vd", 0},
    {"vander", "van der", "vd", 0},
    {"vd", "v.d.", "vd", IX_ABBREV},
    {"vom", "vom", "vom", 0},
    {"von", "von", "von", 0},
    {"von dem", "von dem", "von dem", 0},
    {"von den", "von den", "von den", 0},
    {"von der", "von der", "von der", 0},
    {"von und zu", "von und zu", "von und zu", 0},
    {"voor", "voor", "voor", 0},
    {"voor de", "voor de", "voor de", 0},
    {"voor den", "voor den", "voor den", 0},
    {"voor het", "voor het", "voor 't", 0},
    {"voor in t", "voor in 't", "voor in 't", 0},
    {"voor t", "voor 't", "voor 't", 0},
    {"zu", "zu", "zu", 0},
    {"zum", "zum", "zum", 0},
    {"zur", "zur", "zur", 0},
};

#define NINFIXES (sizeof(infixes) / sizeof(infixes[0]))

/* The most words an infix has ("von und zu", "voor in 't"). */
#define INFIX_WORDS 3

static int
infix_cmp(const void *k, const void *e)
{
    return strcmp(k, ((const struct infix_entry *)e)->key);
}

/* A word of a cleaned name: where it is and its key without spaces ("" when
 * the word is too long to be part of an infix). */
struct tok {
    size_t off, len;
    char key[TOKEN_KEY];
};

/* Key of s[0..len) with the spaces removed into out[TOKEN_KEY]; "" when it
 * does not fit. */
static void
token_key(const char *s, size_t len, struct nwork *w, char *out)
{
    const char *b = (const char *)w->cp;
    size_t olen, i, o = 0;

    out[0] = '\0';
    if (len >= 4 * TOKEN_KEY || normalise(s, len, w, 1, &olen) != TOCSIN_OK)
        return;
    for (i = 0; i < olen; i++) {
        if (b[i] == ' ')
            continue;
        if (o + 1 >= TOKEN_KEY) {
            out[0] = '\0';
            return;
        }
        out[o++] = b[i];
    }
    out[o] = '\0';
}

/*
 * Cut the cleaned text s[0..len) into words at spaces, after every '.' or
 * '/' ("v.d.Berg" -> "v." "d." "Berg") and after an apostrophe inside a
 * word ("van't" -> "van'" "t", but "'t" stays one word). Returns the
 * number of words, or -1 when there are more than max.
 */
static int
tokenize(const char *s, size_t len, struct nwork *w, struct tok *t, size_t max)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n = 0, start, prev;
    utf8proc_int32_t c;

    while (i < len) {
        if (s[i] == ' ') {
            i++;
            continue;
        }
        start = i;
        while (i < len && s[i] != ' ') {
            prev = i;
            c = u8dec(u, &i);
            if (c == '.' || c == '/' || (prev > start && is_apostrophe(c)))
                break;
        }
        if (n == max)
            return -1;
        t[n].off = start;
        t[n].len = i - start;
        token_key(s + start, i - start, w, t[n].key);
        n++;
    }
    return (int)n;
}

/* The infix formed by exactly the k words t[0..k), or NULL. */
static const struct infix_entry *
infix_lookup(const struct tok *t, size_t k, int separate)
{
    char cand[INFIX_WORDS * TOKEN_KEY + INFIX_WORDS];
    const struct infix_entry *e;
    size_t i, o = 0, n;

    if (k == 0 || k > INFIX_WORDS)
        return NULL;
    for (i = 0; i < k; i++) {
        n = strlen(t[i].key);
        if (n == 0)
            return NULL;
        if (i > 0)
            cand[o++] = ' ';
        memcpy(cand + o, t[i].key, n);
        o += n;
    }
    cand[o] = '\0';
    e = bsearch(cand, infixes, NINFIXES, sizeof(infixes[0]), infix_cmp);
    if (e != NULL && (e->flags & IX_SEPARATE) && !separate)
        return NULL;
    return e;
}

/* The longest infix at the start of t[0..n) that leaves a word; *k words.
 * n must be at least 1. */
static const struct infix_entry *
infix_leading(const struct tok *t, size_t n, size_t *k)
{
    const struct infix_entry *e;
    size_t j;

    for (j = n - 1 < INFIX_WORDS ? n - 1 : INFIX_WORDS; j > 0; j--) {
        e = infix_lookup(t, j, 0);
        if (e != NULL) {
            *k = j;
            return e;
        }
    }
    return NULL;
}

/* The longest infix at the end of t[0..n) that leaves a word; *k words. */
static const struct infix_entry *
infix_trailing(const struct tok *t, size_t n, size_t *k)
{
    const struct infix_entry *e;
    size_t j;

    for (j = n - 1 < INFIX_WORDS ? n - 1 : INFIX_WORDS; j > 0; j--) {
        e = infix_lookup(t + n - j, j, 0);
        if (e != NULL) {
            *k = j;
            return e;
        }
    }
    return NULL;
}

static int
is_letter(utf8proc_int32_t c)
{
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return 1;
    default:
        return 0;
    }
}

static int
is_upper(utf8proc_int32_t c)
{
    utf8proc_category_t cat = utf8proc_category(c);

    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

/*
 * The glued heuristic on one cleaned word s[0..len): the length in bytes of
 * a glued infix at its start, or 0. See name.h.
 */
static size_t
infix_glued(const char *s, size_t len, struct nwork *w,
            const struct infix_entry **out)
{
    const unsigned char *u = (const unsigned char *)s;
    const char *kb = (const char *)w->cp;
    char glue[TOKEN_KEY];
    const struct infix_entry *found = NULL;
    size_t i, j, olen, plen, letters, best = 0;

    /* No capital after the first letter. */
    i = 0;
    if (len > 0)
        (void)u8dec(u, &i);
    while (i < len)
        if (is_upper(u8dec(u, &i)))
            return 0;
    if (normalise(s, len, w, 1, &olen) != TOCSIN_OK)
        return 0;
    /* The longest glued infix the key starts with ... */
    for (j = 0; j < NINFIXES; j++) {
        if (!(infixes[j].flags & IX_GLUE))
            continue;
        for (i = 0, plen = 0; infixes[j].key[i] != '\0'; i++)
            if (infixes[j].key[i] != ' ')
                glue[plen++] = infixes[j].key[i];
        if (plen > best && olen >= plen && memcmp(kb, glue, plen) == 0) {
            best = plen;
            found = &infixes[j];
        }
    }
    if (best == 0)
        return 0;
    /* ... written in plain ASCII letters in the display form ... */
    for (i = 0, plen = 0; found->key[i] != '\0'; i++)
        if (found->key[i] != ' ')
            glue[plen++] = found->key[i];
    for (i = 0; i < best; i++)
        if (i >= len || (s[i] | 0x20) != glue[i])
            return 0;
    /* ... and followed by at least three letters. */
    for (i = best, letters = 0; letters < 3 && i < len; letters++)
        if (!is_letter(u8dec(u, &i)))
            break;
    if (letters < 3)
        return 0;
    *out = found;
    return best;
}

void
name_parts_init(struct name_parts *p)
{
    buf_init(&p->infix, NAME_OUT_MAX);
    buf_init(&p->infix_class, NAME_OUT_MAX);
    buf_init(&p->surname, NAME_OUT_MAX);
    buf_init(&p->surname_key, NAME_OUT_MAX);
    buf_init(&p->full_key, NAME_OUT_MAX);
    p->flags = 0;
}

void
name_parts_free(struct name_parts *p)
{
    buf_wipe(&p->infix);
    buf_wipe(&p->infix_class);
    buf_wipe(&p->surname);
    buf_wipe(&p->surname_key);
    buf_wipe(&p->full_key);
    p->flags = 0;
}

static void
parts_reset(struct name_parts *p)
{
    buf_reset(&p->infix);
    buf_reset(&p->infix_class);
    buf_reset(&p->surname);
    buf_reset(&p->surname_key);
    buf_reset(&p->full_key);
    p->flags = 0;
}

/* Trim spaces from both ends of s[*off .. *off + *len). */
static void
trim(const char *s, size_t *off, size_t *len)
{
    while (*len > 0 && s[*off] == ' ') {
        (*off)++;
        (*len)--;
    }
    while (*len > 0 && s[*off + *len - 1] == ' ')
        (*len)--;
}

/* Append the key of s[0..len) to out with the spaces removed. */
static int
append_key_nospace(const char *s, size_t len, struct nwork *w, struct buf *out)
{
    const char *b = (const char *)w->cp;
    size_t olen, i, j;
    int rc;

    rc = normalise(s, len, w, 1, &olen);
    for (i = 0; rc == TOCSIN_OK && i < olen; i = j + 1) {
        for (j = i; j < olen && b[j] != ' '; j++)
            ;
        rc = buf_append(out, b + i, j - i);
    }
    return rc;
}

/* Scratch of name_split(): the cleaned fields and their words. */
struct split_work {
    struct nwork w;
    char last[NAME_CLEAN_MAX];
    char infix[NAME_CLEAN_MAX];
    struct tok t[NAME_TOKENS];
};

static int
clean_into(const char *in, size_t len, struct nwork *w, char *out,
           size_t *olen)
{
    int rc = normalise(in, len, w, 0, olen);

    if (rc != TOCSIN_OK)
        return rc;
    if (*olen > NAME_CLEAN_MAX)
        return TOCSIN_EFORMAT;
    memcpy(out, w->cp, *olen);
    return TOCSIN_OK;
}

static int
split(struct split_work *sw, const char *infix, size_t ilen, const char *last,
      size_t llen, struct name_parts *out)
{
    const struct infix_entry *e = NULL, *d;
    const char *iw = NULL; /* the infix as written */
    size_t iwlen = 0, soff = 0, slen, clen, k, left, right, rlen;
    const char *comma;
    int n, rc, unknown = 0;
    struct tok *t = sw->t;

    rc = clean_into(last, llen, &sw->w, sw->last, &slen);
    if (rc == TOCSIN_OK)
        rc = clean_into(infix, ilen, &sw->w, sw->infix, &clen);
    if (rc != TOCSIN_OK)
        return rc;

    if (clen > 0) {
        /* A separate infix field that has a key. */
        rc = name_key(sw->infix, clen, &out->infix);
        if (rc != TOCSIN_OK)
            return rc;
        if (buf_len(&out->infix) == 0)
            clen = 0;
    }
    if (clen > 0) {
        out->flags |= NAME_INFIX_SEPARATE;
        iw = sw->infix;
        iwlen = clen;
        n = tokenize(sw->infix, clen, &sw->w, t, NAME_TOKENS);
        if (n > 0)
            e = infix_lookup(t, (size_t)n, 1);
        if (e == NULL)
            unknown = 1; /* out->infix holds its key */
        n = tokenize(sw->last, slen, &sw->w, t, NAME_TOKENS);
        d = n > 1 ? infix_leading(t, (size_t)n, &k) : NULL;
        if (d != NULL &&
            strcmp(d->cls, e != NULL ? e->cls : buf_str(&out->infix)) == 0) {
            out->flags |= NAME_INFIX_DUPLICATE;
            soff = t[k].off;
            slen -= soff;
        }
    } else if ((n = tokenize(sw->last, slen, &sw->w, t, NAME_TOKENS)) > 0) {
        comma = memchr(sw->last, ',', slen);
        if (comma != NULL) {
            /* 1. "Berg, van der" (the cleaned text has no leading blank) */
            left = (size_t)(comma - sw->last);
            right = left + 1;
            rlen = slen - right;
            trim(sw->last, &soff, &left);
            trim(sw->last, &right, &rlen);
            n = tokenize(sw->last + right, rlen, &sw->w, t, INFIX_WORDS);
            if (left > 0 && n > 0)
                e = infix_lookup(t, (size_t)n, 0);
            if (e != NULL) {
                out->flags |= NAME_INFIX_REVERSED;
                iw = sw->last + right;
                iwlen = rlen;
                slen = left;
            }
            n = tokenize(sw->last, slen, &sw->w, t, NAME_TOKENS);
        }
        if (e == NULL && n > 1) {
            /* 2. "van der Berg" */
            e = infix_leading(t, (size_t)n, &k);
            if (e != NULL) {
                out->flags |= NAME_INFIX_LEADING;
                iw = sw->last + t[0].off;
                iwlen = t[k - 1].off + t[k - 1].len - t[0].off;
                soff = t[k].off;
                slen -= soff;
            }
        }
        if (e == NULL && n > 1) {
            /* 3. "Berg van der" */
            e = infix_trailing(t, (size_t)n, &k);
            if (e != NULL) {
                out->flags |= NAME_INFIX_REVERSED;
                iw = sw->last + t[n - k].off;
                iwlen = slen - t[n - k].off;
                slen = t[n - k - 1].off + t[n - k - 1].len;
            }
        }
        if (e == NULL && n == 1) {
            /* 4. "vanderberg" */
            k = infix_glued(sw->last, slen, &sw->w, &e);
            if (k > 0) {
                out->flags |= NAME_INFIX_GLUED;
                iw = sw->last;
                iwlen = k;
                soff = k;
                slen -= k;
            }
        }
    }
    trim(sw->last, &soff, &slen);

    buf_reset(&out->infix);
    if (e != NULL) {
        if (e->flags & IX_ABBREV)
            out->flags |= NAME_INFIX_ABBREV;
        rc = buf_appends(&out->infix, e->canon);
        if (rc == TOCSIN_OK)
            rc = buf_appends(&out->infix_class, e->cls);
    } else if (unknown) {
        out->flags |= NAME_INFIX_UNKNOWN;
        rc = name_key(iw, iwlen, &out->infix);
        if (rc == TOCSIN_OK)
            rc = buf_append(&out->infix_class, buf_str(&out->infix),
                            buf_len(&out->infix));
    }
    if (rc == TOCSIN_OK)
        rc = buf_append(&out->surname, sw->last + soff, slen);
    if (rc == TOCSIN_OK)
        rc = name_key(sw->last + soff, slen, &out->surname_key);
    if (rc == TOCSIN_OK && iw != NULL)
        rc = append_key_nospace(iw, iwlen, &sw->w, &out->full_key);
    if (rc == TOCSIN_OK)
        rc = append_key_nospace(sw->last + soff, slen, &sw->w, &out->full_key);
    return rc;
}

int
name_split(const char *infix, size_t ilen, const char *last, size_t llen,
           struct name_parts *out)
{
    struct split_work sw;
    int rc;

    sw.w.used = 0;
    parts_reset(out);
    rc = split(&sw, infix, ilen, last, llen, out);
    if (rc != TOCSIN_OK)
        parts_reset(out);
    nwork_wipe(&sw.w);
    explicit_bzero(sw.last, sizeof(sw.last));
    explicit_bzero(sw.infix, sizeof(sw.infix));
    explicit_bzero(sw.t, sizeof(sw.t));
    return rc;
}

/* --- Initials ---------------------------------------------------------- */

enum word_kind {
    WORD_NONE,    /* no letters */
    WORD_INITIAL, /* "J", "J." */
    WORD_ABBREV,  /* "Th." */
    WORD_RUN,     /* "JP", "HJM" */
    WORD_NAME,    /* "Jan", "Jo", "AJ" */
};

static int
is_dash(utf8proc_int32_t c)
{
    return c == '-' ||
           (c >= 0x80 && utf8proc_category(c) == UTF8PROC_CATEGORY_PD);
}

/*
 * Classify the word s[0..len) and append what it contributes to the
 * initials to out (when out is not NULL).
 */
static int
initials_word(const char *s, size_t len, struct nwork *w, struct buf *out,
              enum word_kind *kind)
{
    const unsigned char *u = (const unsigned char *)s;
    const unsigned char *kb = (const unsigned char *)w->cp;
    size_t i = 0, letters = 0, others = 0, olen, emitted = 0;
    unsigned char enc[4];
    utf8proc_int32_t c;
    int upper = 1, dot = 0, vowel = 0, rc;

    *kind = WORD_NONE;
    while (i < len) {
        c = u8dec(u, &i);
        if (is_letter(c)) {
            letters++;
            upper = upper && is_upper(c);
        } else if (c == '.' && i == len) {
            dot = 1;
        } else {
            others++;
        }
    }
    rc = normalise(s, len, w, 1, &olen);
    if (rc != TOCSIN_OK)
        return rc;
    for (i = 0; i < olen; i++)
        if (memchr("aeiouy", kb[i], 6) != NULL)
            vowel = 1;
    if (letters == 0)
        *kind = WORD_NONE;
    else if (others > 0)
        *kind = WORD_NAME;
    else if (letters == 1)
        *kind = WORD_INITIAL;
    else if (letters <= 3 && upper && !vowel)
        *kind = WORD_RUN;
    else if (dot)
        *kind = WORD_ABBREV;
    else
        *kind = WORD_NAME;
    if (out == NULL || *kind == WORD_NONE)
        return TOCSIN_OK;
    for (i = 0; i < olen && rc == TOCSIN_OK;) {
        c = u8dec(kb, &i);
        if (!is_letter(c))
            continue;
        rc = buf_append(
            out, enc, (size_t)utf8proc_encode_char(utf8proc_toupper(c), enc));
        if (++emitted == 1 && *kind != WORD_RUN)
            break;
    }
    return rc;
}

/* Scratch of the initials functions: the cleaned field. */
struct initials_work {
    struct nwork w;
    char clean[NAME_CLEAN_MAX];
};

/*
 * Walk the words of a first-name field: initials into out (may be NULL);
 * *all tells whether every word with letters is an initial.
 */
static int
initials(const char *in, size_t len, struct buf *out, int *all)
{
    struct initials_work iw;
    const unsigned char *u = (const unsigned char *)iw.clean;
    size_t clen = 0, i = 0, start = 0, end, words = 0;
    utf8proc_int32_t c;
    enum word_kind kind;
    int rc;

    *all = 1;
    iw.w.used = 0;
    rc = clean_into(in, len, &iw.w, iw.clean, &clen);
    while (rc == TOCSIN_OK && start < clen) {
        /* The word is clean[start..end); i is past its separator. */
        end = i = start;
        while (i < clen) {
            c = u8dec(u, &i);
            if (c == ' ' || is_dash(c))
                break;
            end = i;
            if (c == '.')
                break;
        }
        if (end > start) {
            rc = initials_word(iw.clean + start, end - start, &iw.w, out,
                               &kind);
            if (kind != WORD_NONE)
                words++;
            if (kind == WORD_NAME)
                *all = 0;
        }
        start = i;
    }
    if (words == 0)
        *all = 0;
    nwork_wipe(&iw.w);
    explicit_bzero(iw.clean, clen);
    return rc;
}

int
name_initials(const char *in, size_t len, struct buf *out)
{
    int all, rc;

    buf_reset(out);
    rc = initials(in, len, out, &all);
    if (rc != TOCSIN_OK)
        buf_reset(out);
    return rc;
}

int
name_is_initials(const char *in, size_t len)
{
    int all;

    if (initials(in, len, NULL, &all) != TOCSIN_OK)
        return 0;
    return all;
}
