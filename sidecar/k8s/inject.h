/* `inferguard inject`: adds the inferguard sidecar to every pod template of a stream of
 * Kubernetes manifests (as `istioctl kube-inject` does). Pod, Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, Job (spec.template) and CronJob (spec.jobTemplate.spec.template);
 * every other document, and every existing container, init container, volume and annotation
 * is kept. A template that already has a container named "inferguard", or is annotated
 * inferguard.io/inject: "false", is left as it is, so injecting twice changes nothing.
 * The sidecar captures the ports the pod's containers declare (containerPort), unless the
 * options name a BPF filter. Output is YAML emitted by libyaml: values, quoting and flow/block
 * style are kept, comments and empty documents are not (libyaml does not keep comments). */
#ifndef IG_K8S_INJECT_H
#define IG_K8S_INJECT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

#include "core/jsonw.h"

/* NULL: the value deploy/model-with-inferguard.yaml has (shown). */
struct ig_inject_opts {
    const char *image;        /* inferguard:dev */
    const char *configmap;    /* inferguard-config: mounted at /etc/inferguard */
    const char *secret;       /* inferguard-secrets: id-secret, reports-token */
    const char *bpf;          /* NULL = from the pod's containerPorts */
};

struct ig_inject_stats {
    uint32_t documents, templates, injected, already, opted_out;
};

/* Reads every document of <in> (<name> in messages) and writes each to <out>, injected where
 * it holds a pod template. IG_OK, or IG_EPARSE with "name:line: reason" in err (nothing
 * written for the document in error). */
int ig_inject_stream(FILE *in, const char *name, FILE *out, const struct ig_inject_opts *o,
                     struct ig_inject_stats *st, char *err, size_t errlen);

/* What ig_inject_pod added, as node ids of the document: the sidecar container (appended
 * to spec.containers), each volume appended to spec.volumes, and whether spec.volumes was
 * created (then volumes_node is the whole new list). The admission webhook turns these into
 * a JSONPatch. */
struct ig_inject_added {
    int container;
    int volumes[4], nvol;
    int volumes_node;
    bool volumes_created;
};

/* Injects into the Pod object at node <pod> of <d>, exactly as ig_inject_stream injects a
 * Pod document. 1 injected (a filled), 0 left as it is (opted out, already injected, no
 * container list), -1 out of memory or spec.volumes not a list. */
int ig_inject_pod(yaml_document_t *d, int pod, const struct ig_inject_opts *o, struct ig_inject_added *a);

/* The value of <key> in mapping <map>, 0 when absent. */
int ig_inject_map_get(yaml_document_t *d, int map, const char *key);

/* Node <id> as JSON: plain scalars that are integers, true, false or null as JSON literals
 * (the inject template's numbers and booleans), every other scalar as a string. */
void ig_inject_node_json(struct ig_jsonw *w, yaml_document_t *d, int id);

#endif
