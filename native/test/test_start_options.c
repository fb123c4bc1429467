/* The native start's option handling: jar= taken out of the -agentpath options, the jar found beside the library. */
#include <string.h>

#include "check.h"
#include "native_start.h"

int main(void) {
    char jar[64], rest[64];
    check(jh_split_start_options(NULL, jar, sizeof(jar), rest, sizeof(rest)) == 0 && jar[0] == '\0' && rest[0] == '\0',
          "no options: no jar, nothing passed on");
    check(jh_split_start_options("report=/t/a.json,max=5", jar, sizeof(jar), rest, sizeof(rest)) == 0
                  && jar[0] == '\0' && strcmp(rest, "report=/t/a.json,max=5") == 0,
          "options without jar= pass unchanged");
    check(jh_split_start_options("report=a.txt,jar=/opt/j/jhtrace.jar,max=5", jar, sizeof(jar), rest, sizeof(rest)) == 0
                  && strcmp(jar, "/opt/j/jhtrace.jar") == 0 && strcmp(rest, "report=a.txt,max=5") == 0,
          "jar= in the middle is taken out");
    check(jh_split_start_options("jar=/j.jar", jar, sizeof(jar), rest, sizeof(rest)) == 0 && strcmp(jar, "/j.jar") == 0
                  && rest[0] == '\0',
          "jar= alone");
    check(jh_split_start_options(",,max=5,", jar, sizeof(jar), rest, sizeof(rest)) == 0 && strcmp(rest, "max=5") == 0,
          "empty options are dropped");
    check(jh_split_start_options("jar=/a/very/long/path/that/does/not/fit/in/sixteen", jar, 16, rest, sizeof(rest)) == -1,
          "a jar= too long is refused, not cut");
    check(jh_split_start_options("report=/a/very/long/path/that/does/not/fit", jar, sizeof(jar), rest, 16) == -1,
          "options too long are refused, not cut");
    check(jh_jar_beside("/opt/jhtrace/libjhtrace.so", jar, sizeof(jar)) == 0 && strcmp(jar, "/opt/jhtrace/jhtrace.jar") == 0,
          "the jar beside the library");
    check(jh_jar_beside("/libjhtrace.so", jar, sizeof(jar)) == 0 && strcmp(jar, "/jhtrace.jar") == 0, "beside, at the root");
    check(jh_jar_beside("/a/b/c/d/e/f/g/h/libjhtrace.so", jar, 16) == -1, "a directory too long is refused");
    char shown[64];
    check(strcmp(jh_printable("/opt/j\xc3\xa9/\xe2\x82\xac.jar", shown, sizeof(shown)), "/opt/j\xc3\xa9/\xe2\x82\xac.jar") == 0,
          "UTF-8 letters and signs stay as they are (a continuation byte 0x80-0x9f is not a C1 control)");
    check(strcmp(jh_printable("a\nb\x1b[2J\x7f\\", shown, sizeof(shown)), "a\\x0Ab\\x1B[2J\\x7F\\x5C") == 0,
          "control bytes and the backslash as \\xNN");
    check(strcmp(jh_printable("x\xc2\x85y\xc2\x9b", shown, sizeof(shown)), "x\\x85y\\x9B") == 0,
          "C1 controls (NEL, CSI) as their code point, as the Java side prints them");
    check(strcmp(jh_printable("\xe2\x80\xa8\xe2\x80\xae" "evil\xe2\x81\xa6", shown, sizeof(shown)), "\\u2028\\u202Eevil\\u2066") == 0,
          "line separator, bidirectional override and isolate as \\uNNNN");
    check(strlen(jh_printable("\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", shown, 16)) < 16, "cut to fit, never past the buffer");
    return summary("test_start_options");
}
