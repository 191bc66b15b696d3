/* Test helpers: run the casus command and capture what it prints, and find
 * the shared datasets and the source tree.  Tests only. */
#ifndef CASUS_TESTUTIL_H
#define CASUS_TESTUTIL_H

#include <stddef.h>

typedef struct run_result {
    int status;   /* exit code, or 128 + signal */
    char *out;    /* standard output, NUL-terminated (malloc'd) */
    size_t out_len;
    char *err;    /* standard error */
    size_t err_len;
} run_result;

/* Runs the casus binary (CASUS_BIN) with the NULL-terminated arguments. */
run_result run_casus(const char *arg0, ...);
/* Runs argv (argv[0] is the program path). */
run_result run_argv(char *const argv[]);
void run_free(run_result *r);

/* Directory of the source tree (CASUS_SOURCE_DIR), the shared data
 * (CASUS_TEST_DATA), and a fresh temporary directory (removed by the
 * caller with rm_rf). */
const char *source_dir(void);
const char *test_data_dir(void);
char *make_temp_dir(void);
void rm_rf(const char *path);
/* Reads a whole file; NULL when it cannot. */
char *slurp(const char *path, size_t *len);
/* Writes a file; 0 on success. */
int spit(const char *path, const char *data, size_t len);

#endif
