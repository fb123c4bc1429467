/* Writes what the Java side checks the contract against (NativeContractTest): the module's contract text
 * (contract.txt) and a drain record of an event with a known value in every field (record.bin), both into the
 * directory given as the argument. */
#define _GNU_SOURCE
#include "drain_record.h"
#include "jh_contract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_file(const char *dir, const char *name, const void *bytes, size_t n) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(bytes, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: contract_dump DIR\n");
        return 2;
    }
    static jh_event e; /* the values NativeContractTest expects */
    e.type = JH_EVENT_CLOSE;
    e.fd = 1234;
    e.err = 9;
    e.tid = 777001;
    e.call = 5;
    e.drops = 42;
    e.time_ns = 0x0102030405060708LL;
    e.caller = 0x7f00112233445566LL;
    memcpy(e.thread, "worker-thread-1", 15);
    e.env = 0x7f0011aabbccdd00LL;
    strcpy(e.path, "/tmp/a path\nwith \x1b escapes.txt"); /* 30 bytes: padded to 32 */
    e.nframes = 3;
    for (int i = 0; i < 3; i++) {
        e.frames[i].method = 0x1000 + i;
        e.frames[i].location = 10 * i + 1;
    }
    size_t size = jh_record_size(&e);
    char *record = calloc(1, size);
    jh_record_write(&e, record);
    const char *text = jh_contract_text();
    int failed = write_file(argv[1], "contract.txt", text, strlen(text)) || write_file(argv[1], "record.bin", record, size);
    free(record);
    return failed;
}
