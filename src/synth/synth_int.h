/*
 * synth_int.h - what synth.c and synth_data.c share: the data tables behind
 * the generator. Not part of the module's interface.
 */
#ifndef TOCSIN_SYNTH_SYNTH_INT_H
#define TOCSIN_SYNTH_SYNTH_INT_H

#include <stddef.h>

#include "synth.h"

/* Where a person's names come from. */
enum synth_origin {
    SYNTH_NL = 0, /* Dutch */
    SYNTH_TR,     /* Turkish */
    SYNTH_MA,     /* Moroccan */
    SYNTH_SR,     /* Surinamese */
    SYNTH_ID,     /* Indonesian / Moluccan */
    SYNTH_PL,     /* Polish */
    SYNTH_NORIGINS,
};

/* A list of strings, most frequent first where that matters. */
struct synth_list {
    const char *const *s;
    size_t n;
};

/* A Dutch surname with its infix ("" when none). */
struct synth_surname {
    const char *infix;
    const char *name;
};

/* Weighted code (banks, domains, infixes). */
struct synth_wstr {
    const char *s;
    unsigned weight;
};

/* First names per origin and sex (0 male, 1 female); surnames per origin
 * (SYNTH_NL uses synth_nl_surnames and the rare-name parts instead). */
extern const struct synth_list synth_first_names[SYNTH_NORIGINS][2];
extern const struct synth_list synth_surnames[SYNTH_NORIGINS];

extern const struct synth_surname synth_nl_surnames[];
extern const size_t synth_nl_surnames_len;

/* Rare Dutch surnames: prefix + suffix ("Hoog" + "eveen"). */
extern const struct synth_list synth_rare_prefix;
extern const struct synth_list synth_rare_suffix;

/* The nickname table's sex (1 female) and origin, parallel to
 * synth_nickname_at(). */
extern const unsigned char synth_nickname_female[];
extern const unsigned char synth_nickname_origin[];

extern const struct synth_wstr synth_infixes[];
extern const size_t synth_infixes_len;
extern const struct synth_wstr synth_mail_domains[];
extern const size_t synth_mail_domains_len;
extern const struct synth_wstr synth_nl_banks[];
extern const size_t synth_nl_banks_len;

extern const struct synth_list synth_de_blz;      /* 8-digit German codes */
extern const struct synth_list synth_streets;     /* Dutch street names */
extern const struct synth_list synth_suffixes;    /* house-number suffixes */
extern const struct synth_list synth_handles;     /* fun e-mail handles */
extern const struct synth_list synth_stray_nicks; /* Jan "Sjonnie" */
extern const struct synth_list synth_notes;       /* ordinary notes */
extern const struct synth_list synth_notes_sensitive;
extern const struct synth_list synth_bsn_note_pre; /* "BSN " ... */
extern const struct synth_list synth_bsn_note_post;

#endif
