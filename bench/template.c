/*
 * bench/template.c - how fast the message templates render (and how fast
 * verification codes are made), on one core.
 *
 * Renders each default body (data/templates, built in) for a sample person
 * with every message variable set and a 5-item leaked list, for about a
 * second of CPU time each, and prints renders per CPU second and output
 * bytes per CPU second (CPU time, so that a busy machine skews less).
 *
 * usage: bench_template [-p] [SECONDS]
 *   -p  print one rendering of each template first
 * Build: ninja -C BUILD bench_template (not built by default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "notify/notify.h"
#include "notify/template.h"
#include "notify/vcode.h"
#include "store/embedded.h"

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct tpl_value
s(const char *text)
{
    struct tpl_value v = {text, strlen(text), NULL, 0};

    return v;
}

static int
set(struct tpl_value *v, const struct tpl *t, const char *name,
    struct tpl_value val)
{
    int i = tpl_var_index(t, name);

    if (i < 0) {
        fprintf(stderr, "bench_template: no variable %s\n", name);
        return -1;
    }
    v[i] = val;
    return 0;
}

static const struct embedded_file *
find(const char *name)
{
    const struct embedded_file *f;

    for (f = embedded_files; f->name != NULL; f++) {
        if (strcmp(f->name, name) == 0)
            return f;
    }
    return NULL;
}

int
main(int argc, char **argv)
{
    static const char *const names[] = {
        "templates/en/body.txt", "templates/en/body.html",
        "templates/nl/body.txt", "templates/nl/body.html"};
    static const char *const labels[5][2] = {
        {"Name", NULL},
        {"Address", "Dorpsstraat 1*, 1234 **"},
        {"IBAN", "NL** **** **** **** 4300"},
        {"Date of birth", ""},
        {"ID document number", "*******23"}};
    struct tpl_value v[32] = {{0}}, item_v[5][32], nt_v[2][32];
    struct tpl_data items[5], not_taken[2], d;
    double secs = 1.0;
    int print = 0, a;
    size_t i, k;
    struct buf out;
    char code[VCODE_TEXT_MAX];

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-p") == 0)
            print = 1;
        else
            secs = strtod(argv[a], NULL);
    }
    if (sodium_init() < 0 || secs <= 0)
        return 1;
    memset(item_v, 0, sizeof(item_v));
    memset(nt_v, 0, sizeof(nt_v));
    buf_init(&out, 1u << 20);

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const struct embedded_file *f = find(names[i]);
        int html = strstr(names[i], ".html") != NULL;
        struct tpl *t;
        struct buf why;
        double t0, t1;
        size_t n = 0, bytes;
        int label, hint;

        buf_init(&why, 1024);
        if (f == NULL || tpl_compile(f->data, f->len, html,
                                     notify_template_vars, &t, &why) != 0) {
            fprintf(stderr, "bench_template: %s: %s\n", names[i],
                    buf_str(&why));
            return 1;
        }
        buf_free(&why);
        label = tpl_var_index(t, "label");
        hint = tpl_var_index(t, "hint");
        for (k = 0; k < 5; k++) {
            item_v[k][label] = s(labels[k][0]);
            if (labels[k][1] != NULL)
                item_v[k][hint] = s(labels[k][1]);
            items[k].values = item_v[k];
            items[k].count = tpl_var_count(t);
        }
        for (k = 0; k < 2; k++) {
            nt_v[k][label] = s(k ? "Call records" : "Passwords");
            not_taken[k].values = nt_v[k];
            not_taken[k].count = tpl_var_count(t);
        }
        if (set(v, t, "name", s("Jan de Vries")) ||
            set(v, t, "brand", s("Odido")) ||
            set(v, t, "organisation", s("Odido Netherlands")) ||
            set(v, t, "incident_date", s("12 February 2026")) ||
            set(v, t, "leaked", (struct tpl_value){NULL, 0, items, 5}) ||
            set(v, t, "not_taken",
                (struct tpl_value){NULL, 0, not_taken, 2}) ||
            set(v, t, "advice_iban", s("1")) ||
            set(v, t, "advice_id_document", s("1")) ||
            set(v, t, "advice_birth_date", s("1")) ||
            set(v, t, "ex_customer", s("1")) ||
            set(v, t, "measures",
                s("We closed the access, reported the breach to the "
                  "Autoriteit Persoonsgegevens and the police, and "
                  "monitor for misuse.")) ||
            set(v, t, "verification_code", s("QGKP-22AD-PBKG-RT2T-X")) ||
            set(v, t, "info_url", s("odido.nl/datalek")) ||
            set(v, t, "dpo_email", s("privacy@odido.example")) ||
            set(v, t, "dpo_phone", s("0800-1234")))
            return 1;
        d.values = v;
        d.count = tpl_var_count(t);

        buf_reset(&out);
        if (tpl_render(t, &d, &out) != 0)
            return 1;
        bytes = buf_len(&out);
        if (print)
            printf("==== %s\n%s==== end\n", names[i], buf_str(&out));
        t0 = now();
        do {
            for (k = 0; k < 10000; k++) {
                buf_reset(&out);
                if (tpl_render(t, &d, &out) != 0)
                    return 1;
            }
            n += k;
            t1 = now();
        } while (t1 - t0 < secs);
        printf("%-24s %5zu bytes out (%zu bytes source): %9.0f renders/s, "
               "%6.0f MB/s\n",
               names[i], bytes, f->len, (double)n / (t1 - t0),
               (double)n * (double)bytes / (t1 - t0) / 1e6);
        tpl_free(t);
    }
    buf_free(&out);

    {
        unsigned char key[VCODE_KEY_BYTES] = {0};
        char id[32];
        double t0 = now(), t1;
        size_t n = 0;

        do {
            for (k = 0; k < 10000; k++) {
                int len = snprintf(id, sizeof(id), "msg-%zu", n + k);

                if (vcode_make(key, id, (size_t)len, code) != 0)
                    return 1;
            }
            n += k;
            t1 = now();
        } while (t1 - t0 < secs);
        printf("%-24s %9.0f codes/s\n", "vcode_make", (double)n / (t1 - t0));
    }
    return 0;
}
