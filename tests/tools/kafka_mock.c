/* kafka_mock: a real Kafka-protocol broker for tests, from librdkafka's mock cluster.
 * Listens on loopback only. Prints the bootstrap address (one line) on stdout, then reads
 * commands on stdin, one per line:
 *   down N   take broker N (1-based) down      up N   bring it back
 *   topic NAME PARTITIONS   create a topic     quit   stop (also on EOF)
 * Each command is answered with "ok" or "error: ..." on stdout.
 * Usage: kafka_mock [BROKERS (default 1)] */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int nbrokers = argc > 1 ? atoi(argv[1]) : 1;
    if (nbrokers < 1 || nbrokers > 9) {
        fprintf(stderr, "kafka_mock: broker count must be 1..9\n");
        return 2;
    }
    char errstr[512], n[8];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    snprintf(n, sizeof n, "%d", nbrokers);
    /* a producer handle only hosts the cluster; it never produces */
    if (rd_kafka_conf_set(conf, "test.mock.num.brokers", n, errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "kafka_mock: %s\n", errstr);
        return 1;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "kafka_mock: %s\n", errstr);
        return 1;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_handle_mock_cluster(rk);
    if (!mc) {
        fprintf(stderr, "kafka_mock: this librdkafka has no mock cluster\n");
        rd_kafka_destroy(rk);
        return 1;
    }
    const char *boot = rd_kafka_mock_cluster_bootstraps(mc);
    /* the mock binds 127.0.0.1 ports; refuse anything else rather than expose a broker */
    if (strncmp(boot, "127.", 4) != 0 && strncmp(boot, "localhost", 9) != 0) {
        fprintf(stderr, "kafka_mock: mock cluster is not on loopback (%s)\n", boot);
        rd_kafka_destroy(rk);
        return 1;
    }
    printf("%s\n", boot);
    fflush(stdout);

    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        char cmd[32], arg[256];
        int id, parts;
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
        if (sscanf(line, "%31s", cmd) != 1)
            continue;
        if (strcmp(cmd, "quit") == 0)
            break;
        if (strcmp(cmd, "down") == 0 && sscanf(line, "%*s %d", &id) == 1)
            err = rd_kafka_mock_broker_set_down(mc, id);
        else if (strcmp(cmd, "up") == 0 && sscanf(line, "%*s %d", &id) == 1)
            err = rd_kafka_mock_broker_set_up(mc, id);
        else if (strcmp(cmd, "topic") == 0 && sscanf(line, "%*s %255s %d", arg, &parts) == 2)
            err = rd_kafka_mock_topic_create(mc, arg, parts, 1);
        else {
            printf("error: unknown command (down N, up N, topic NAME PARTS, quit)\n");
            fflush(stdout);
            continue;
        }
        if (err)
            printf("error: %s\n", rd_kafka_err2str(err));
        else
            printf("ok\n");
        fflush(stdout);
    }
    rd_kafka_destroy(rk);
    return 0;
}
