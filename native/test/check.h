/* The C unit tests' one assertion: prints each check, counts failures, and a summary line at the end. */
#ifndef JHTRACE_TEST_CHECK_H
#define JHTRACE_TEST_CHECK_H

#include <stdio.h>

static int failures;
static int checks;

static void check(int ok, const char *what) {
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    checks++;
    if (!ok) {
        failures++;
    }
}

/* Prints the summary and returns the process exit status. */
static int summary(const char *test) {
    printf("%s: %d of %d checks failed\n", test, failures, checks);
    return failures == 0 ? 0 : 1;
}

#endif
