/* Names of the model's enumerations, generated from their X-macros, and the
 * reverse look-ups the treaty parser uses. */
#include <string.h>

#include "casus/treaty.h"
#include "casus/who.h"

#define STR_CASE(name, str) str,
#define STR_CASE3(name, str, desc) str,
#define DESC_CASE3(name, str, desc) desc,

static const char *const kind_names[] = {CASUS_KIND_MAP(STR_CASE)};
static const char *const trigger_names[] = {CASUS_TRIGGER_MAP(STR_CASE)};
static const char *const timing_names[] = {CASUS_TIMING_MAP(STR_CASE)};
static const char *const end_names[] = {CASUS_END_MAP(STR_CASE)};
static const char *const text_names[] = {CASUS_TEXT_MAP(STR_CASE)};
static const char *const role_names[] = {CASUS_ROLE_MAP(STR_CASE3)};
static const char *const role_descs[] = {CASUS_ROLE_MAP(DESC_CASE3)};

static const char *pick(const char *const *names, int count, int v)
{
    return v >= 0 && v < count ? names[v] : "?";
}

static int find(const char *const *names, int count, const char *s, size_t n)
{
    for (int i = 0; i < count; i++)
        if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
            return i;
    return -1;
}

const char *casus_kind_str(casus_kind v) { return pick(kind_names, CASUS_KIND_COUNT, (int)v); }
const char *casus_trigger_str(casus_trigger v) { return pick(trigger_names, CASUS_TRIGGER_COUNT, (int)v); }
const char *casus_timing_str(casus_timing v) { return pick(timing_names, CASUS_TIMING_COUNT, (int)v); }
const char *casus_end_str(casus_end v) { return pick(end_names, CASUS_END_COUNT, (int)v); }
const char *casus_text_status_str(casus_text_status v) { return pick(text_names, CASUS_TEXT_COUNT, (int)v); }
const char *casus_role_str(casus_role v) { return pick(role_names, CASUS_ROLE_COUNT, (int)v); }
const char *casus_role_describe(casus_role v) { return pick(role_descs, CASUS_ROLE_COUNT, (int)v); }

int casus_kind_from_str(const char *s, size_t n) { return find(kind_names, CASUS_KIND_COUNT, s, n); }
int casus_trigger_from_str(const char *s, size_t n) { return find(trigger_names, CASUS_TRIGGER_COUNT, s, n); }
int casus_timing_from_str(const char *s, size_t n) { return find(timing_names, CASUS_TIMING_COUNT, s, n); }
int casus_end_from_str(const char *s, size_t n) { return find(end_names, CASUS_END_COUNT, s, n); }
int casus_text_status_from_str(const char *s, size_t n) { return find(text_names, CASUS_TEXT_COUNT, s, n); }

static const char *const action_names[] = {"military", "other", "consult", "abstain", "refrain"};

void casus_actions_format(unsigned actions, char *buf, size_t size)
{
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (unsigned i = 0; i < sizeof action_names / sizeof *action_names; i++) {
        if (!(actions & (1u << i)))
            continue;
        size_t len = strlen(action_names[i]);
        if (used + len + 2 > size)
            break;
        if (used)
            buf[used++] = ' ';
        memcpy(buf + used, action_names[i], len + 1);
        used += len;
    }
}

int casus_format_from_str(const char *s)
{
    if (strcmp(s, "text") == 0)
        return CASUS_FORMAT_TEXT;
    if (strcmp(s, "csv") == 0)
        return CASUS_FORMAT_CSV;
    if (strcmp(s, "json") == 0)
        return CASUS_FORMAT_JSON;
    return -1;
}
