/* The names people type for a state (casus/names.h): the table of
 * world/state-names.csv, look-up in a fixed order, and on a miss the
 * nearest name by edit distance. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "casus/names.h"
#include "internal.h"

typedef enum name_kind { NAME_ISO3, NAME_ISO3_FORMER, NAME_ALT, NAME_ISO_NUMERIC, NAME_KIND_COUNT } name_kind;
static const char *const kind_words[NAME_KIND_COUNT] = {"iso3", "iso3-former", "name", "iso-numeric"};

typedef struct name_entry {
    int ccode;
    name_kind kind;
    const char *text; /* as written in the table */
    const char *key;  /* normalised: lower-case letters and digits */
    const char *note; /* for a code that is another state's COW abbreviation; else NULL */
} name_entry;

struct casus_names {
    const casus_mem *mem;
    casus_arena arena;
    casus_vec entries; /* name_entry */
};

/* Lower-case letters and digits only, '&' read as "and": "St. Kitts &
 * Nevis" and "st kitts and nevis" meet (skip_the drops a leading word
 * "the" first: "The Gambia", not "Thailand").  Returns the
 * length, or SIZE_MAX when the result does not fit in out. */
static size_t normalise(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        const char *add = NULL;
        char one[2] = {0, 0};
        if (isalnum(c) && c < 0x80)
            one[0] = (char)tolower(c), add = one;
        else if (c == '&')
            add = "and";
        if (!add)
            continue;
        size_t k = strlen(add);
        if (n + k + 1 > size)
            return SIZE_MAX;
        memcpy(out + n, add, k);
        n += k;
    }
    out[n] = '\0';
    return n;
}

/* text past a leading word "the". */
static const char *skip_the(const char *text)
{
    if ((text[0] == 't' || text[0] == 'T') && (text[1] == 'h' || text[1] == 'H') &&
        (text[2] == 'e' || text[2] == 'E') && text[3] == ' ')
        return text + 4;
    return text;
}

typedef struct load_ctx {
    casus_names *names;
    casus_world *world;
    const char *path;
    bool header_seen;
} load_ctx;

static casus_status names_row(void *ud, const casus_csv_row *row, casus_error *err)
{
    static const char *const cols[] = {"ccode", "kind", "name", "source"};
    load_ctx *c = ud;
    if (!c->header_seen) {
        if (row->n != 4)
            return casus__csv_error(err, CASUS_PARSE, c->path, row, 0, "expected 4 columns in the header, found %zu",
                                    row->n);
        for (size_t i = 0; i < 4; i++)
            if (strcmp(row->fields[i], cols[i]) != 0)
                return casus__csv_error(err, CASUS_PARSE, c->path, row, i, "expected column '%s', found '%s'", cols[i],
                                        row->fields[i]);
        c->header_seen = true;
        return CASUS_OK;
    }
    if (row->n != 4)
        return casus__csv_error(err, CASUS_PARSE, c->path, row, row->n < 4 ? row->n : 4, "expected 4 fields, found %zu",
                                row->n);
    int ccode;
    if (!casus__parse_int(row->fields[0], row->lens[0], &ccode) || !casus_world_state_by_ccode(c->world, ccode))
        return casus__csv_error(err, CASUS_PARSE, c->path, row, 0, "'%s' is not the code of a state in the world tables",
                                row->fields[0]);
    int kind = -1;
    for (int k = 0; k < NAME_KIND_COUNT; k++)
        if (strcmp(row->fields[1], kind_words[k]) == 0)
            kind = k;
    if (kind < 0)
        return casus__csv_error(err, CASUS_PARSE, c->path, row, 1, "unknown kind '%s' (iso3, iso3-former, name or iso-numeric)",
                                row->fields[1]);
    char key[CASUS_MAX_NAME_LEN + 1];
    size_t klen = normalise(skip_the(row->fields[2]), key, sizeof key);
    if (klen == 0 || klen == SIZE_MAX)
        return casus__csv_error(err, CASUS_PARSE, c->path, row, 2, "a name must have 1 to %d letters or digits",
                                CASUS_MAX_NAME_LEN);
    if (kind == NAME_ISO_NUMERIC) {
        if (row->lens[2] != 3 || strspn(row->fields[2], "0123456789") != 3)
            return casus__csv_error(err, CASUS_PARSE, c->path, row, 2, "'%s' is not an ISO 3166 numeric code (3 digits)",
                                    row->fields[2]);
    } else if (kind != NAME_ALT) {
        bool code = row->lens[2] == 3;
        for (size_t i = 0; i < 3 && code; i++)
            code = isupper((unsigned char)row->fields[2][i]) != 0;
        if (!code)
            return casus__csv_error(err, CASUS_PARSE, c->path, row, 2, "'%s' is not an ISO 3166 alpha-3 code",
                                    row->fields[2]);
    }
    casus_arena *a = &c->names->arena;
    name_entry *e = casus__vec_push(&c->names->entries, c->names->mem);
    if (!e)
        return casus_error_set(err, CASUS_NOMEM, c->path, row->line, 0, "out of memory");
    e->ccode = ccode;
    e->kind = (name_kind)kind;
    e->text = casus__arena_strdup(a, row->fields[2]);
    e->key = casus__arena_strdup(a, key);
    if (!e->text || !e->key)
        return casus_error_set(err, CASUS_NOMEM, c->path, row->line, 0, "out of memory");
    /* A code spelt like another state's COW abbreviation loses to it. */
    const casus_state *cow = kind == NAME_ISO3 || kind == NAME_ISO3_FORMER ? casus_world_state_by_abb(c->world, e->text) : NULL;
    if (cow && cow->ccode != ccode) {
        const casus_state *mine = casus_world_state_by_ccode(c->world, ccode);
        e->note = casus__arena_printf(a, "%s is the COW abbreviation of %s; for %s (ISO 3166 %s) use %s", e->text,
                                      cow->name, mine->name, e->text, mine->abb);
        if (!e->note)
            return casus_error_set(err, CASUS_NOMEM, c->path, row->line, 0, "out of memory");
    }
    return CASUS_OK;
}

casus_status casus_names_parse(casus_world *world, const char *name, const char *text, size_t len,
                               casus_names **out, casus_error *err)
{
    *out = NULL;
    if (len > CASUS_MAX_NAMES_FILE)
        return casus_error_set(err, CASUS_TOOBIG, name, 0, 0, "larger than %u bytes", CASUS_MAX_NAMES_FILE);
    const casus_mem *mem = casus__world_mem(world);
    casus_names *names = casus__mem_alloc(mem, sizeof *names);
    if (!names)
        return casus_error_set(err, CASUS_NOMEM, name, 0, 0, "out of memory");
    memset(names, 0, sizeof *names);
    names->mem = mem;
    casus__arena_init(&names->arena, mem);
    casus__vec_init(&names->entries, sizeof(name_entry));
    load_ctx ctx = {.names = names, .world = world, .path = name};
    casus_status st = casus__csv_parse(mem, name, text, len, names_row, &ctx, err);
    if (st == CASUS_OK && !ctx.header_seen)
        st = casus_error_set(err, CASUS_PARSE, name, 1, 1, "empty file: expected the header ccode,kind,name,source");
    if (st != CASUS_OK) {
        casus_names_free(names);
        return st;
    }
    *out = names;
    return CASUS_OK;
}

casus_status casus_names_load(casus_world *world, const char *path, casus_names **out, casus_error *err)
{
    const casus_mem *mem = casus__world_mem(world);
    char *buf = NULL;
    size_t len = 0;
    *out = NULL;
    casus_status st = casus__read_file(mem, path, CASUS_MAX_NAMES_FILE, &buf, &len, err);
    if (st != CASUS_OK)
        return st;
    st = casus_names_parse(world, path, buf, len, out, err);
    casus__mem_free(mem, buf, len + 1);
    return st;
}

void casus_names_free(casus_names *names)
{
    if (!names)
        return;
    casus__vec_free(&names->entries, names->mem);
    casus__arena_free(&names->arena);
    casus__mem_free(names->mem, names, sizeof *names);
}

/* Optimal string alignment distance (Levenshtein with adjacent
 * transpositions), for keys of at most CASUS_MAX_NAME_LEN bytes. */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t rows[3][CASUS_MAX_NAME_LEN + 2];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

typedef struct suggestion {
    size_t score;     /* edit distance; lower is nearer */
    int rank;         /* kind order: COW abbreviation, COW name, names, ISO codes */
    int ccode;
    const char *name; /* the name to show beside the abbreviation */
} suggestion;

static void consider(suggestion *best, const char *typed, size_t tlen, const char *key, int rank, int ccode,
                     const char *name)
{
    size_t d = distance(typed, key);
    /* A name begun ("serb" for Serbia) is as near as one letter wrong. */
    if (tlen >= 4 && strncmp(key, typed, tlen) == 0 && d > 1)
        d = 1;
    if (d < best->score || (d == best->score && (rank < best->rank || (rank == best->rank && ccode < best->ccode))))
        *best = (suggestion){d, rank, ccode, name};
}

static casus_status not_found(const casus_names *names, const casus_world *world, const char *text, const char *key,
                              casus_error *err)
{
    size_t tlen = strlen(key);
    suggestion best = {SIZE_MAX, 0, 0, NULL};
    if (tlen > 0) {
        for (size_t i = 0; i < casus_world_state_count(world); i++) {
            const casus_state *s = casus_world_state_at(world, i);
            char k[CASUS_MAX_NAME_LEN + 1];
            if (normalise(s->abb, k, sizeof k) != SIZE_MAX)
                consider(&best, key, tlen, k, 0, s->ccode, s->name);
            if (normalise(skip_the(s->name), k, sizeof k) != SIZE_MAX)
                consider(&best, key, tlen, k, 1, s->ccode, s->name);
        }
        for (size_t i = 0; names && i < names->entries.len; i++) {
            const name_entry *e = &CASUS_VEC_AT(&names->entries, name_entry, i);
            if (e->kind == NAME_ISO_NUMERIC)
                continue;
            const casus_state *s = casus_world_state_by_ccode(world, e->ccode);
            consider(&best, key, tlen, e->key, e->kind == NAME_ALT ? 2 : 3, e->ccode,
                     e->kind == NAME_ALT ? e->text : s->name);
        }
    }
    /* Near enough to be what was meant: one edit in a short word, up to a
     * third of the letters in a longer one. */
    size_t allowed = tlen <= 4 ? 1 : tlen / 3;
    if (best.name && best.score <= allowed) {
        const casus_state *s = casus_world_state_by_ccode(world, best.ccode);
        return casus_error_set(err, CASUS_NOTFOUND, NULL, 0, 0, "unknown state '%s': did you mean %s (%s)?", text,
                               s->abb, best.name);
    }
    return casus_error_set(err, CASUS_NOTFOUND, NULL, 0, 0,
                           "unknown state '%s' (use a COW abbreviation such as USA, RUS, PRK)", text);
}

casus_status casus_names_resolve(const casus_names *names, const casus_world *world, const char *text,
                                 const casus_state **state, const char **note, casus_error *err)
{
    if (note)
        *note = NULL;
    size_t tlen = strlen(text);
    if (tlen == 0)
        return casus_error_set(err, CASUS_NOTFOUND, NULL, 0, 0, "no state given");
    if (tlen > CASUS_MAX_NAME_LEN)
        return casus_error_set(err, CASUS_NOTFOUND, NULL, 0, 0, "unknown state: a name of %zu bytes is longer than %d",
                               tlen, CASUS_MAX_NAME_LEN);
    /* 1. A COW code. */
    if (tlen <= 3 && strspn(text, "0123456789") == tlen) {
        int code = 0;
        for (size_t i = 0; i < tlen; i++)
            code = code * 10 + (text[i] - '0');
        const casus_state *s = casus_world_state_by_ccode(world, code);
        if (s) {
            *state = s;
            return CASUS_OK;
        }
        return casus_error_set(err, CASUS_NOTFOUND, NULL, 0, 0, "unknown state '%s': no state has COW code %d", text,
                               code);
    }
    /* 2. A COW abbreviation, which wins over an ISO code spelt the same. */
    const casus_state *s = tlen <= 3 ? casus_world_state_by_abb(world, text) : NULL;
    if (s) {
        for (size_t i = 0; names && note && i < names->entries.len; i++) {
            const name_entry *e = &CASUS_VEC_AT(&names->entries, name_entry, i);
            if (e->note && casus__ieq(e->text, text))
                *note = e->note;
        }
        *state = s;
        return CASUS_OK;
    }
    /* 3. An ISO 3166 code, current or former. */
    for (size_t i = 0; names && tlen == 3 && i < names->entries.len; i++) {
        const name_entry *e = &CASUS_VEC_AT(&names->entries, name_entry, i);
        if ((e->kind == NAME_ISO3 || e->kind == NAME_ISO3_FORMER) && casus__ieq(e->text, text)) {
            *state = casus_world_state_by_ccode(world, e->ccode);
            return CASUS_OK;
        }
    }
    /* 4. A name: the world's (COW's), then the table's alternates. */
    char key[CASUS_MAX_NAME_LEN + 1];
    size_t klen = normalise(skip_the(text), key, sizeof key);
    if (klen == SIZE_MAX)
        klen = 0, key[0] = '\0';
    if (klen) {
        char k[CASUS_MAX_NAME_LEN + 1];
        for (size_t i = 0; i < casus_world_state_count(world); i++) {
            const casus_state *c = casus_world_state_at(world, i);
            if (normalise(skip_the(c->name), k, sizeof k) != SIZE_MAX && strcmp(k, key) == 0) {
                *state = c;
                return CASUS_OK;
            }
        }
        for (size_t i = 0; names && i < names->entries.len; i++) {
            const name_entry *e = &CASUS_VEC_AT(&names->entries, name_entry, i);
            if (e->kind == NAME_ALT && strcmp(e->key, key) == 0) {
                *state = casus_world_state_by_ccode(world, e->ccode);
                return CASUS_OK;
            }
        }
    }
    return not_found(names, world, text, key, err);
}

static const char *code_of(const casus_names *names, int ccode, name_kind kind)
{
    for (size_t i = 0; names && i < names->entries.len; i++) {
        const name_entry *e = &CASUS_VEC_AT(&names->entries, name_entry, i);
        if (e->ccode == ccode && e->kind == kind)
            return e->text;
    }
    return NULL;
}

const char *casus_names_iso3(const casus_names *names, int ccode) { return code_of(names, ccode, NAME_ISO3); }
const char *casus_names_iso_numeric(const casus_names *names, int ccode)
{
    return code_of(names, ccode, NAME_ISO_NUMERIC);
}
