/* inferguard: structured logging. One JSON line per message on stderr. */
#ifndef INFERGUARD_LOG_H
#define INFERGUARD_LOG_H

#include <stdarg.h>

enum ig_log_level { IG_LOG_LEVEL_ERROR, IG_LOG_LEVEL_WARN, IG_LOG_LEVEL_INFO, IG_LOG_LEVEL_DEBUG };

/* Messages above this level are dropped; set from config or --verbose/--quiet. */
void ig_log_set_level(enum ig_log_level lvl);
enum ig_log_level ig_log_get_level(void);
void ig_log(enum ig_log_level lvl, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define IG_LOG_ERROR(c, ...) ig_log(IG_LOG_LEVEL_ERROR, c, __VA_ARGS__)
#define IG_LOG_WARN(c, ...)  ig_log(IG_LOG_LEVEL_WARN, c, __VA_ARGS__)
#define IG_LOG_INFO(c, ...)  ig_log(IG_LOG_LEVEL_INFO, c, __VA_ARGS__)
#ifdef NDEBUG
#define IG_LOG_DEBUG(c, ...) ((void)0)
#else
#define IG_LOG_DEBUG(c, ...) ig_log(IG_LOG_LEVEL_DEBUG, c, __VA_ARGS__)
#endif

#endif
