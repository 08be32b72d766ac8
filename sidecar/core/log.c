/* Structured logging: one JSON line per message on stderr, so log shippers parse it. */
#include <inferguard/log.h>
#include <inferguard/base.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static enum ig_log_level g_level = IG_LOG_LEVEL_INFO;

void ig_log_set_level(enum ig_log_level lvl) { g_level = lvl; }
enum ig_log_level ig_log_get_level(void) { return g_level; }

static const char *const level_names[] = { "error", "warn", "info", "debug" };

/* Escapes <s> as the body of a JSON string into <out> (always NUL-terminated). */
static void json_escape(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; *s && o + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') { out[o++] = '\\'; out[o++] = (char)c; }
        else if (c == '\n') { out[o++] = '\\'; out[o++] = 'n'; }
        else if (c < 0x20) o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        else out[o++] = (char)c;
    }
    out[o] = '\0';
}

void ig_log(enum ig_log_level lvl, const char *component, const char *fmt, ...)
{
    if (lvl > g_level)
        return;
    char msg[1024], esc[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_escape(msg, esc, sizeof esc);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(stderr, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"component\":\"%s\",\"msg\":\"%s\"}\n",
            when, ts.tv_nsec / 1000000, level_names[lvl], component, esc);
}

void ig_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "inferguard: internal error: assertion '%s' failed at %s:%d\n", expr, file, line);
    abort();
}
