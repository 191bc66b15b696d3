/* The page's files, served only from the asset directory: a path is
 * checked word by word before it touches the file system, and the file
 * found must still lie under the directory once links are resolved. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve.h"

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json"},
};

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

/* Whether the decoded path is one the directory could hold: "/" and words
 * of letters, digits, '-', '_' and '.', none starting with '.' (so no "..",
 * no hidden files), separated by single slashes. */
static bool plain_path(const char *path)
{
    if (path[0] != '/' || strlen(path) > SERVE_MAX_PATH)
        return false;
    for (const char *p = path; *p;) {
        if (*p != '/')
            return false;
        p++;
        if (*p == '.' || *p == '/' || *p == '\0')
            return false;
        for (; *p && *p != '/'; p++) {
            char c = *p;
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '_' || c == '.'))
                return false;
        }
    }
    return true;
}

int serve_asset_open(const serve_ctx *ctx, const char *path, const char **type, size_t *size, int *status)
{
    *status = 400;
    if (strstr(path, "..") || strchr(path, '\\') || strstr(path, "/.") || strstr(path, "//"))
        return -1; /* trying to leave the directory, or to reach hidden files */
    *status = 404;
    if (!ctx->assets[0])
        return -1;
    if (strcmp(path, "/") == 0)
        path = "/index.html";
    if (!plain_path(path) || !(*type = type_of(path)))
        return -1;
    char joined[PATH_MAX + SERVE_MAX_PATH + 2], real[PATH_MAX];
    snprintf(joined, sizeof joined, "%s%s", ctx->assets, path);
    if (!realpath(joined, real))
        return -1;
    size_t n = strlen(ctx->assets);
    if (strncmp(real, ctx->assets, n) != 0 || real[n] != '/') {
        *status = 400; /* a link leading out of the directory */
        return -1;
    }
    int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    *size = (size_t)st.st_size;
    return fd;
}
