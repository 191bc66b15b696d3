/* Internal to libcasus: every internal header at once, for the files that
 * have not yet been moved to the ones they use (mem.h, text.h, csvread.h,
 * world_internal.h).  Not installed. */
#ifndef CASUS_INTERNAL_H
#define CASUS_INTERNAL_H

#include "csvread.h"
#include "mem.h"
#include "text.h"
#include "world_internal.h"

#endif
