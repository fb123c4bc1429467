/* A library whose import of getpid() the GOT test redirects. */
#include <unistd.h>

__attribute__((visibility("default"))) int victim_pid(void) {
    return (int) getpid();
}
