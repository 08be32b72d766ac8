// Peers for bench/bench_json.c on the same bytes (written by `bench_json --dump DIR`):
// simdjson On-Demand and cJSON, both from Debian. Same line format as bench_json.
// Note: both yield doubles; the (float) cast double-rounds, so unlike inferguard's
// decoder they are not bit-identical to strtof on every input.
#include <simdjson.h>
#include <cjson/cJSON.h>

#include <ctime>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

// Thread CPU time, as bench_json measures: other load on the machine slows neither side.
static double now_s()
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static std::string slurp(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

static void report(const char *name, const char *impl, size_t bytes, size_t floats, double secs)
{
    double fps = floats / secs;
    std::printf("case=%-22s impl=%-12s MB/s=%8.1f  floats/s=%11.0f  ns/float=%6.2f\n", name, impl,
                bytes / secs / 1e6, fps, 1e9 / fps);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: bench_json_peers DIR   (DIR from bench_json --dump DIR)\n");
        return 2;
    }
    std::string dir = argv[1];
    std::string arr = slurp(dir + "/float_array_1M.json");
    std::string reqs = slurp(dir + "/oip_64x10000.jsonl");
    if (arr.empty() || reqs.empty())
        return 1;
    std::vector<float> out(1000000);
    volatile float sink = 0;
    const int iters = 10;

    // simdjson On-Demand
    simdjson::ondemand::parser parser;
    simdjson::padded_string parr(arr);
    double best = 1e9;
    size_t n = 0;
    for (int it = 0; it < iters; it++) {
        double t0 = now_s();
        auto doc = parser.iterate(parr);
        n = 0;
        for (double x : doc.get_array())
            out[n++] = (float)x;
        sink = sink + out[n - 1];
        best = std::min(best, now_s() - t0);
    }
    report("float_array_1M", "simdjson-od", arr.size(), n, best);

    std::vector<simdjson::padded_string> lines;
    {
        size_t p = 0;
        while (p < reqs.size()) {
            size_t nl = reqs.find('\n', p);
            lines.emplace_back(reqs.data() + p, nl - p);
            p = nl + 1;
        }
    }
    best = 1e9;
    size_t floats = 0;
    for (int it = 0; it < iters; it++) {
        double t0 = now_s();
        floats = 0;
        for (auto &l : lines) {
            auto doc = parser.iterate(l);
            size_t k = 0;
            for (double x : doc["inputs"].at(0)["data"].get_array())
                out[k++] = (float)x;
            floats += k;
            sink = sink + out[0];
        }
        best = std::min(best, now_s() - t0);
    }
    report("oip_64floats_x10000", "simdjson-od", reqs.size(), floats, best);

    // cJSON
    best = 1e9;
    for (int it = 0; it < iters; it++) {
        double t0 = now_s();
        cJSON *root = cJSON_ParseWithLength(arr.data(), arr.size());
        n = 0;
        for (cJSON *c = root ? root->child : nullptr; c; c = c->next)
            out[n++] = (float)c->valuedouble;
        cJSON_Delete(root);
        sink = sink + out[n - 1];
        best = std::min(best, now_s() - t0);
    }
    report("float_array_1M", "cjson", arr.size(), n, best);
    best = 1e9;
    for (int it = 0; it < iters; it++) {
        double t0 = now_s();
        floats = 0;
        size_t p = 0;
        while (p < reqs.size()) {
            size_t nl = reqs.find('\n', p);
            cJSON *root = cJSON_ParseWithLength(reqs.data() + p, nl - p);
            cJSON *in = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "inputs"), 0);
            cJSON *data = cJSON_GetObjectItemCaseSensitive(in, "data");
            size_t k = 0;
            for (cJSON *c = data ? data->child : nullptr; c; c = c->next)
                out[k++] = (float)c->valuedouble;
            floats += k;
            cJSON_Delete(root);
            p = nl + 1;
        }
        best = std::min(best, now_s() - t0);
    }
    report("oip_64floats_x10000", "cjson", reqs.size(), floats, best);
    (void)sink;
    return 0;
}
