/* `inferguard webhook`: a Kubernetes mutating admission webhook that injects the sidecar.
 * POST /inject takes an admission.k8s.io/v1 AdmissionReview and answers one with the same
 * uid, allowed: true and, when the Pod needs the sidecar, a JSONPatch (RFC 6902) adding
 * what `inferguard inject` adds to a Pod. GET /healthz. TLS through OpenSSL
 * (bufferevent_openssl); the certificate files are reread when they change. */
#ifndef IG_K8S_WEBHOOK_H
#define IG_K8S_WEBHOOK_H

#include <stddef.h>

#include "core/jsonw.h"
#include "k8s/inject.h"

#define IG_WEBHOOK_MAX_REVIEW (1u << 20)   /* a larger review is refused with 400 */

/* The AdmissionReview response for review <body> (JSON) into <out>. IG_OK, or IG_EPARSE with
 * one sentence in err (not an AdmissionReview v1 with request.uid and request.object).
 * *patched is set when a patch was added. */
int ig_webhook_review(const char *body, size_t n, const struct ig_inject_opts *o, struct ig_jsonw *out,
                      int *patched, char *err, size_t errlen);

struct ig_webhook_opts {
    const char *host;
    unsigned port;             /* 0 = any free port (logged) */
    const char *cert, *key;    /* PEM files: certificate chain, private key */
    struct ig_inject_opts inject;
};

/* Serves until SIGINT/SIGTERM. IG_OK, or IG_ECONF/IG_EIO with one sentence in err. */
int ig_webhook_serve(const struct ig_webhook_opts *o, char *err, size_t errlen);

#endif
