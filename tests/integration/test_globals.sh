#!/usr/bin/env bash
# No global mutable state outside main (issue #12): every writable object with static
# storage in the libraries (.data, .bss and their thread-local twins, read from the built
# archives) is listed here with the reason it may stay. A new one fails this test: put it
# in the struct that owns it (a detector's global, the pipeline, the env lent to detectors)
# or add it below with its reason.
source "$(dirname "$0")/lib/common.sh"
command -v objdump >/dev/null || { echo "SKIP: objdump missing"; exit 77; }

allowed() {
    case "$1" in
        # write-once facts of the machine or process, settled before any thread runs
        cpu.c.o:cached) ;;                      # CPU features, probed once
        dispatch.c.o:chosen|dispatch.c.o:chosen_once) ;;   # SIMD kernel table, pthread_once
        dots.c.o:chosen|dots.c.o:chosen_once) ;;           # dot-product kernel table, pthread_once
        json_num.c.o:c_locale|json_num.c.o:c_locale_once) ;; # the "C" locale, pthread_once
        log.c.o:g_level) ;;                     # log level, set from the command line
        json_access.c.o:hash_key) ;;            # per-process hash seed, set on first use
        secret.c.o:g_random|secret.c.o:g_nrandom|secret.c.o:g_lock) ;; # process id secret
        classify.c.o:hooks_once) ;;             # nDPI's allocator hooks (one pair per process), pthread_once
        # parse shards set up and tear down their pipelines one at a time: nDPI's and
        # libhtp's initialisation keep process-wide tables and were never thread-safe
        shards.c.o:life_lock) ;;
        # the SIGBUS guard of mapped capture files: a signal handler's only way to find
        # the mappings it repairs (slots of atomics), the action it passes other faults
        # to, the page size, and the lock that installs it
        map_guard.c.o:slots|map_guard.c.o:prev|map_guard.c.o:page|map_guard.c.o:install_lock) ;;
        # per-thread scratch (never shared between threads)
        *prada.c.o:tl_*) ;;
        *prada.c.o:bufs_key|*prada.c.o:bufs_once) ;;   # its key (frees them at thread exit), made once
        ad_openai.c.o:sse_s|ad_openai.c.o:sse_ready) ;;
        vidx.c.o:tl_scratch) ;;
        classify.c.o:tl_pool) ;;                # the classifier whose nDPI calls this thread makes
        vidx.c.o:scratch_key|vidx.c.o:scratch_once) ;;   # its key (frees it at thread exit), made once
        # the detectors' block pool (detectors/kernels/blkpool.c): an allocator for the
        # per-client sets that grow, process-wide as malloc is (a block freed by whichever
        # engine frees it), every access under its mutex
        blkpool.c.o:lock|blkpool.c.o:chunks|blkpool.c.o:nchunks|blkpool.c.o:cur) ;;
        blkpool.c.o:cur_off|blkpool.c.o:freelist) ;;
        blkpool.c.o:st_chunk_bytes|blkpool.c.o:st_free_bytes|blkpool.c.o:st_large) ;;
        # switches for benches and tests that force the scalar statistics path
        drift_stats.c.o:ig_drift_simd|drift_stats.c.o:ig_drift_avx2) ;;
        # switches for tests and fuzz targets that compare a fast path with the plain one
        ad_openai.c.o:ig_ad_openai_chunk_template) ;;   # stream chunks taken from a template
        capture.c.o:ig_capture_file_map) ;;             # pcap files read from a mapping
        *) return 1 ;;
    esac
}

bad=0 n=0
for lib in libig_core.a libig_detectors.a libig_sidecar.a; do
    [ -f "$IG_BUILD/$lib" ] || { echo "FAIL: $IG_BUILD/$lib not built"; exit 1; }
    # "member.o:     file format ..." starts a member; symbol rows name their section.
    while read -r obj sym; do
        n=$((n + 1))
        allowed "$obj:$sym" && continue
        echo "FAIL: $lib: $obj holds the writable global '$sym'"
        bad=1
    done < <(objdump -t "$IG_BUILD/$lib" | awk '
        / file format / { obj = $1; sub(/:$/, "", obj); next }
        $0 ~ /[ \t]\.(t?data|t?bss)[ \t]/ {
            sym = $NF
            if (sym ~ /^\./ || sym ~ /asan|ubsan|^__/) next
            sub(/\.[0-9]+$/, "", sym)     # function-scope statics: name.N
            print obj, sym
        }' | sort -u)
done
[ "$n" -gt 0 ] || { echo "FAIL: no symbols read (objdump output changed?)"; exit 1; }
[ "$bad" = 0 ] && echo "ok: $n writable globals, each with its reason"
exit "$bad"
