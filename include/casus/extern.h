/* casus/extern.h - the export marker every public declaration carries.
 *
 * The library is built with -fvisibility=hidden, so only what is marked
 * CASUS_EXTERN is exported from libcasus.so (as libuv's UV_EXTERN).  Internal
 * functions (casus__module_verb) stay hidden. */
#ifndef CASUS_EXTERN_H
#define CASUS_EXTERN_H

#if defined(_WIN32)
#  if defined(CASUS_BUILDING_SHARED)
#    define CASUS_EXTERN __declspec(dllexport)
#  elif defined(CASUS_USING_SHARED)
#    define CASUS_EXTERN __declspec(dllimport)
#  else
#    define CASUS_EXTERN
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define CASUS_EXTERN __attribute__((visibility("default")))
#else
#  define CASUS_EXTERN
#endif

#endif
