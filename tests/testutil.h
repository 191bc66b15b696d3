/* Test helpers: run the casus command and capture what it prints, find
 * the shared datasets and the source tree, scratch directories, and an
 * allocator that runs out of memory on cue.  Tests only: the helpers that
 * can fail end the running Criterion test with a message. */
#ifndef CASUS_TESTUTIL_H
#define CASUS_TESTUTIL_H

#include <stddef.h>

#include "casus/error.h"
#include "casus/wars.h"
#include "casus/world.h"

typedef struct run_result {
    int status;   /* exit code, or 128 + signal */
    char *out;    /* standard output, NUL-terminated (malloc'd) */
    size_t out_len;
    char *err;    /* standard error */
    size_t err_len;
} run_result;

/* Runs the casus binary (CASUS_BIN) with the NULL-terminated arguments. */
run_result run_casus(const char *arg0, ...);
/* Runs casus with the NULL-terminated arguments; the test fails unless it
 * exits with `status`.  For the calls whose output does not matter. */
void expect_casus_exit(int status, const char *arg0, ...);
/* Runs argv (argv[0] is the program path). */
run_result run_argv(char *const argv[]);
void run_free(run_result *r);

/* Directory of the source tree (CASUS_SOURCE_DIR), the shared data
 * (CASUS_TEST_DATA), and a fresh temporary directory (the test fails when
 * none can be made; removed by the caller with rm_temp_dir, or rm_rf and
 * free). */
const char *source_dir(void);
const char *test_data_dir(void);
char *make_temp_dir(void);
void rm_rf(const char *path);
/* Removes the directory made by make_temp_dir, and frees its name. */
void rm_temp_dir(char *dir);
/* Reads a whole file; NULL when it cannot. */
char *slurp(const char *path, size_t *len);
/* Reads a file of the shared data (rel is relative to test_data_dir()); the
 * test fails when it cannot.  The caller frees the text. */
char *slurp_test_data(const char *rel, size_t *len);
/* The same for a file of the source tree (rel is relative to source_dir()). */
char *slurp_source(const char *rel, size_t *len);
/* How many times `what` occurs in s (without overlaps). */
size_t count_of(const char *s, const char *what);
/* Writes a file; 0 on success. */
int spit(const char *path, const char *data, size_t len);

/* An allocator (a casus_alloc_fn, for casus_world_create_with and
 * casus_wars_create_with) that grants `left` allocations and refuses every
 * one after; freeing always works.  ud points at a fail_after. */
typedef struct fail_after {
    long left;
} fail_after;
void *fail_after_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

/* An allocator (ud points at a fail_once) that refuses one allocation
 * only: when countdown reaches 0 (0: the next one); below 0, none.  calls
 * counts the allocations asked for. */
typedef struct fail_once {
    long countdown;
    long calls;
} fail_once;
void *fail_once_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

/* The project's world tables (SOURCE/world) in a new world, not finished;
 * allocating through fn (with ud) unless fn is NULL. */
casus_world *test_world_tables(void);
casus_world *test_world_tables_with(casus_alloc_fn fn, void *ud);
/* The world tables, the shipped treaties, the shared datasets `data`
 * (CASUS_DATA_* bits; 0: none), finished.  The test fails when any cannot
 * load. */
casus_world *test_world_full(unsigned data);
casus_world *test_world_full_with(casus_alloc_fn fn, void *ud, unsigned data);
/* The COW wars of the shared data. */
casus_wars *test_wars(void);
/* Expects the first line of err, formatted, to be `expect` (case i of a
 * table of bad inputs). */
void expect_error_line(const casus_error *err, const char *expect, size_t i);

#endif
