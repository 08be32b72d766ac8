/* inferguard webhook: the mutating admission webhook that injects the sidecar. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/hostport.h"
#include "k8s/webhook.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: inferguard webhook --listen HOST:PORT --tls-cert FILE --tls-key FILE\n"
        "                          [--image IMAGE] [--configmap NAME] [--secret NAME] [--bpf EXPR]\n"
        "A Kubernetes mutating admission webhook over TLS. POST /inject takes an\n"
        "admission.k8s.io/v1 AdmissionReview and answers one with the same uid, allowed: true\n"
        "and, when the Pod needs the sidecar, a JSONPatch adding exactly what 'inferguard inject'\n"
        "adds to that Pod. Pods annotated inferguard.io/inject: \"false\" or already holding an\n"
        "'inferguard' container are allowed unchanged. GET /healthz answers ok. A malformed\n"
        "review or one over 1 MiB gets 400 and one log line. The certificate and key files are\n"
        "reread when they change (checked at most once a second, on new connections); a pair\n"
        "that does not load leaves the previous one in service. SIGINT/SIGTERM stop it.\n\n"
        "options:\n"
        "  -l, --listen HOST:PORT  address to serve on ([::1]:PORT for IPv6; port 0 = any, logged)\n"
        "      --tls-cert FILE     PEM certificate chain\n"
        "      --tls-key FILE      PEM private key\n"
        "      --image IMAGE       sidecar image (default: inferguard:dev)\n"
        "      --configmap NAME    ConfigMap with config.yaml (default: inferguard-config)\n"
        "      --secret NAME       Secret with id-secret and reports-token (default: inferguard-secrets)\n"
        "      --bpf EXPR          capture filter instead of the pod's containerPorts\n"
        "  -h, --help\n"
        "exit codes: 0 stopped by a signal, 1 cannot listen, 2 usage, 3 certificate or key\n"
        "cannot be loaded\n");
}

int ig_cmd_webhook(int argc, char **argv)
{
    static const struct option opts[] = {
        { "listen", required_argument, 0, 'l' }, { "tls-cert", required_argument, 0, 'C' },
        { "tls-key", required_argument, 0, 'K' }, { "image", required_argument, 0, 'I' },
        { "configmap", required_argument, 0, 'M' }, { "secret", required_argument, 0, 'S' },
        { "bpf", required_argument, 0, 'B' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    struct ig_webhook_opts o = { 0 };
    const char *listen = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': listen = optarg; break;
        case 'C': o.cert = optarg; break;
        case 'K': o.key = optarg; break;
        case 'I': o.inject.image = optarg; break;
        case 'M': o.inject.configmap = optarg; break;
        case 'S': o.inject.secret = optarg; break;
        case 'B': o.inject.bpf = optarg; break;
        case 'h': usage(stdout); return IG_EXIT_OK;
        default: usage(stderr); return IG_EXIT_USAGE;
        }
    }
    if (!listen || !o.cert || !o.key || optind < argc) {
        fprintf(stderr, "inferguard webhook: %s (try --help)\n",
                optind < argc ? "unexpected argument" : "--listen, --tls-cert and --tls-key are required");
        return IG_EXIT_USAGE;
    }
    char host[256];
    uint16_t port;
    if (ig_split_hostport(listen, host, sizeof host, &port, NULL) < 0) {
        fprintf(stderr, "inferguard webhook: --listen %s: expected HOST:PORT\n", listen);
        return IG_EXIT_USAGE;
    }
    o.host = host;
    o.port = port;
    char err[512];
    int rc = ig_webhook_serve(&o, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "inferguard webhook: %s\n", err);
        return rc == IG_ECONF ? IG_EXIT_CONFIG : IG_EXIT_RUNTIME;
    }
    return IG_EXIT_OK;
}
