/* Deployment secrets of detectors (fingerprint salt, evidence hash key): see
 * ig_rules_secret() in <inferguard/rules.h>. A public key would let anyone reverse the keyed
 * hash of a low-entropy secret in masked evidence (an SSN, a card number) by brute force, so
 * none ships: the secret comes from the operator, else from a per-process random draw. */
#include <inferguard/rules.h>
#include <inferguard/log.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define SECRET_MAX_RANDOM 8

static struct {
    char env[64];
    char value[65];             /* 32 random bytes, hex */
} g_random[SECRET_MAX_RANDOM];
static unsigned g_nrandom;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

/* The per-process random secret for <env>: drawn (and warned about) once. */
static int random_secret(const char *env, const char *what, char *out, size_t cap, char *err,
                         size_t errlen)
{
    int rc = IG_OK;
    pthread_mutex_lock(&g_lock);
    unsigned i = 0;
    while (i < g_nrandom && strcmp(g_random[i].env, env) != 0)
        i++;
    if (i == g_nrandom) {
        uint8_t rnd[32];
        if (i == SECRET_MAX_RANDOM || getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
            snprintf(err, errlen, "%s: cannot draw a random secret; set $%s", what, env);
            rc = IG_ECONF;
            goto out;
        }
        snprintf(g_random[i].env, sizeof g_random[i].env, "%s", env);
        for (size_t k = 0; k < sizeof rnd; k++)
            snprintf(g_random[i].value + 2 * k, 3, "%02x", rnd[k]);
        memset(rnd, 0, sizeof rnd);
        g_nrandom++;
        IG_LOG_WARN("rules", "%s: no secret configured (%s_file in the rules or $%s): using a "
                    "random one for this process, so its hashes differ between runs", what,
                    strrchr(what, '.') ? strrchr(what, '.') + 1 : what, env);
    }
    snprintf(out, cap, "%s", g_random[i].value);
out:
    pthread_mutex_unlock(&g_lock);
    return rc;
}

int ig_rules_secret(const struct ig_rules *r, const char *detector, const char *param,
                    const char *env, char *out, size_t cap, char *err, size_t errlen)
{
    char what[160], fparam[96];
    snprintf(what, sizeof what, "%s.%s", detector, param);
    const char *v = ig_rules_str(r, detector, param, NULL);
    if (v && *v) {
        snprintf(out, cap, "%s", v);
        return IG_OK;
    }
    snprintf(fparam, sizeof fparam, "%s_file", param);
    const char *path = ig_rules_str(r, detector, fparam, NULL);
    if (path && *path) {
        FILE *fp = fopen(path, "r");
        if (!fp) {
            snprintf(err, errlen, "%s_file: cannot read %s", what, path);
            return IG_ECONF;
        }
        out[0] = '\0';
        if (!fgets(out, (int)cap, fp))
            out[0] = '\0';
        fclose(fp);
        size_t n = strlen(out);
        while (n && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' ' || out[n - 1] == '\t'))
            out[--n] = '\0';
        if (!n) {
            snprintf(err, errlen, "%s_file: %s holds no secret on its first line", what, path);
            return IG_ECONF;
        }
        return IG_OK;
    }
    const char *e = getenv(env);
    if (e && *e) {
        snprintf(out, cap, "%s", e);
        return IG_OK;
    }
    return random_secret(env, what, out, cap, err, errlen);
}
