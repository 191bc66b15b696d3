/* The JSON objects of `casus wars list` and `casus wars show N`, shared
 * with `casus serve` so that both answer with the same bytes.  Uses the
 * public API only.  The caller owns (json_decref) what is returned; NULL
 * when out of memory. */
#ifndef CASUS_CLI_WARS_JSON_H
#define CASUS_CLI_WARS_JSON_H

#include <jansson.h>

#include "casus/wars.h"

json_t *cli_wars_list_json(const casus_wars *wars);
json_t *cli_war_json(const casus_war *war);

#endif
