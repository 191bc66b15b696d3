/* Status names and messages, generated from CASUS_STATUS_MAP. */
#include "casus/status.h"

const char *casus_status_str(casus_status status)
{
    switch (status) {
#define CASUS__STATUS_STR(name, msg) \
    case CASUS_##name:               \
        return msg;
        CASUS_STATUS_MAP(CASUS__STATUS_STR)
#undef CASUS__STATUS_STR
    default:
        return "unknown status";
    }
}

const char *casus_status_name(casus_status status)
{
    switch (status) {
#define CASUS__STATUS_NAME(name, msg) \
    case CASUS_##name:                \
        return #name;
        CASUS_STATUS_MAP(CASUS__STATUS_NAME)
#undef CASUS__STATUS_NAME
    default:
        return "UNKNOWN";
    }
}
