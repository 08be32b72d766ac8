/* inferguard inject: the sidecar added to every pod template of a manifest stream. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "k8s/inject.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: inferguard inject -f FILE|- [-o FILE] [--image IMAGE] [--configmap NAME]\n"
        "                         [--secret NAME] [--bpf EXPR]\n"
        "Adds the inferguard sidecar (as deploy/model-with-inferguard.yaml runs it) to every pod\n"
        "template of every document: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,\n"
        "CronJob. Other documents and every existing container, volume and annotation are kept;\n"
        "templates annotated inferguard.io/inject: \"false\" or already injected are left as they\n"
        "are, so injecting twice changes nothing. The capture filter follows the pod's\n"
        "containerPorts unless --bpf is given. Comments are not kept (libyaml drops them).\n\n"
        "options:\n"
        "  -f, --filename FILE   manifests to read, '-' = stdin\n"
        "  -o, --output FILE     write here (default: stdout)\n"
        "      --image IMAGE     sidecar image (default: inferguard:dev)\n"
        "      --configmap NAME  ConfigMap with config.yaml (default: inferguard-config)\n"
        "      --secret NAME     Secret with id-secret and reports-token (default: inferguard-secrets)\n"
        "      --bpf EXPR        capture filter instead of the containerPorts\n"
        "  -h, --help\n"
        "exit codes: 0 ok, 2 usage, 4 input cannot be read or is not YAML, 1 cannot write\n");
}

int ig_cmd_inject(int argc, char **argv)
{
    static const struct option opts[] = {
        { "filename", required_argument, 0, 'f' }, { "output", required_argument, 0, 'o' },
        { "image", required_argument, 0, 'I' }, { "configmap", required_argument, 0, 'M' },
        { "secret", required_argument, 0, 'S' }, { "bpf", required_argument, 0, 'B' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    const char *file = NULL, *outp = NULL;
    struct ig_inject_opts o = { 0 };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': file = optarg; break;
        case 'o': outp = optarg; break;
        case 'I': o.image = optarg; break;
        case 'M': o.configmap = optarg; break;
        case 'S': o.secret = optarg; break;
        case 'B': o.bpf = optarg; break;
        case 'h': usage(stdout); return IG_EXIT_OK;
        default: usage(stderr); return IG_EXIT_USAGE;
        }
    }
    if (!file || optind < argc) {
        fprintf(stderr, "inferguard inject: %s (try --help)\n", file ? "unexpected argument" : "-f FILE|- is required");
        return IG_EXIT_USAGE;
    }
    FILE *in = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!in) {
        fprintf(stderr, "inferguard inject: %s: %s\n", file, strerror(errno));
        return IG_EXIT_INPUT;
    }
    FILE *out = outp ? fopen(outp, "wb") : stdout;
    if (!out) {
        fprintf(stderr, "inferguard inject: %s: %s\n", outp, strerror(errno));
        if (in != stdin)
            fclose(in);
        return IG_EXIT_RUNTIME;
    }
    struct ig_inject_stats st;
    char err[512];
    int rc = ig_inject_stream(in, strcmp(file, "-") == 0 ? "<stdin>" : file, out, &o, &st, err, sizeof err);
    if (in != stdin)
        fclose(in);
    if ((out != stdout && fclose(out) != 0) || (out == stdout && fflush(stdout) != 0)) {
        if (rc == IG_OK)
            snprintf(err, sizeof err, "cannot write the output");
        rc = rc == IG_OK ? IG_EIO : rc;
    }
    if (rc != IG_OK) {
        fprintf(stderr, "inferguard inject: %s\n", err);
        return rc == IG_EPARSE ? IG_EXIT_INPUT : IG_EXIT_RUNTIME;
    }
    fprintf(stderr, "inferguard inject: %u documents, %u pod templates: %u injected, %u already, "
            "%u opted out\n", st.documents, st.templates, st.injected, st.already, st.opted_out);
    return IG_EXIT_OK;
}
