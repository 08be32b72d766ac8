/* SIGHUP: the rules directory read again and checked as `inferguard rules check` does,
 * before anything running is touched. */
#ifndef IG_DAEMON_RELOAD_H
#define IG_DAEMON_RELOAD_H

#include <inferguard/rules.h>

/* Loads <dir> (NULL or "": the embedded set) and checks it fully: YAML and fields (every
 * error counted), then ig_rules_validate (blocks this build has, their params, every pattern
 * compiled with its validators). Returns IG_OK with *out set,
 * or IG_ECONF with the first error and the error count in err (one line). */
int ig_daemon_rules_load(const char *dir, struct ig_rules **out, char *err, size_t errlen);

#endif
