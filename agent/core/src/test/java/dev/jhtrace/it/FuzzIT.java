package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jhtrace.agent.control.ControlEndpoint;
import dev.jhtrace.it.targets.HelloTarget;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random input where users and other programs reach the agent: agent options, CLI arguments and the control channel
 * (random bytes, huge and partial lines, many connections, slow clients). Each gets at most one clear line, nothing
 * crashes, and the target's own work goes on. The seed is printed; {@code -Djhtrace.fuzz.seed=N} repeats a run.
 */
class FuzzIT {
    private static final long SEED = Long.getLong("jhtrace.fuzz.seed", System.nanoTime());
    private static final String OPTION_WORDS =
            "report=,format=,json,text,html,max=,depth=,traces=,all,bad,native=,control=,"
                    + "walker=,vm,check,internal=,true,false,0x,010,-1,99999999999,%p,%t,/tmp/,=,,";

    private static String randomText(Random rnd, String words, int parts) {
        String[] w = words.split(",", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            if (rnd.nextInt(4) == 0) {
                sb.append((char) rnd.nextInt(0x80)); // any ASCII byte, control characters included
            } else {
                sb.append(w[rnd.nextInt(w.length)]);
            }
        }
        return sb.toString();
    }

    private static boolean hasRawControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 && c != '\n' || c == 0x7f);
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void randomAgentOptionsGetOneClearLineAndTheProgramRuns(Jdk jdk) throws Exception {
        Random rnd = new Random(SEED);
        System.out.println("FuzzIT options seed " + SEED);
        for (int i = 0; i < 15; i++) {
            String options = randomText(rnd, OPTION_WORDS, 1 + rnd.nextInt(8))
                    .replace("\0", "")
                    .replace("/tmp/", "/nonexistent/");
            TargetJvm.Result r = TargetJvm.run(jdk, List.of(TargetJvm.agentFlag() + "=" + options), HelloTarget.class);
            String where = "options "
                    + options.chars().mapToObj(c -> String.format("%02x", c)).toList() + " (seed " + SEED + ")";
            assertEquals(0, r.exitCode(), where + ": " + r.stderr());
            assertEquals("hello from the target\n", r.stdout(), where);
            assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), where + ": " + r.stderr());
            assertFalse(hasRawControl(r.stderr()), where + ": control characters echoed: " + r.stderr());
            assertTrue(
                    r.stderr()
                                    .lines()
                                    .filter(l -> l.startsWith("jhtrace: bad agent option"))
                                    .count()
                            <= 1,
                    where + ": " + r.stderr());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#all")
    void randomCliArgumentsAndChannelBytesLeaveTheTargetWorking(Jdk jdk) throws Exception {
        Random rnd = new Random(SEED + 1);
        System.out.println("FuzzIT channel seed " + SEED);
        try (RunningTarget t = new RunningTarget(CliIT.command(jdk, true))) {
            assertEquals(0, Cli.run(jdk, t.pid, "-enable").exit());
            // CLI arguments: an answer or clear lines, never a stack trace
            String cliWords =
                    "-enable,-disable,-snapshot,-diff,-?,--format,json,text,--timeout,0,1,5,0x10,-1,list,999999999999,"
                            + String.valueOf(t.pid) + ",k=v,max=,report=/nonexistent/x,";
            for (int i = 0; i < 8; i++) {
                List<Object> args = new ArrayList<>(List.of(t.pid));
                for (int n = rnd.nextInt(4); n > 0; n--) {
                    args.add(randomText(rnd, cliWords, 1).replace("\0", ""));
                }
                Cli.Run run = Cli.run(jdk, args.toArray());
                assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), args + ": " + run.err());
                assertFalse(hasRawControl(run.out() + run.err()), args + ": control characters printed");
            }
            // the words hold -disable, which a run may have sent as it should: tracing back on for the check below
            assertEquals(0, Cli.run(jdk, t.pid, "-enable").exit(), "the CLI still works after the fuzz");
            // the channel: garbage of every shape, at once
            java.nio.file.Path socket = ControlEndpoint.socket(ControlEndpoint.uidOf(t.pid), t.pid);
            List<Thread> clients = new ArrayList<>();
            List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int c = 0; c < 40; c++) {
                int kind = c % 5;
                long seed = rnd.nextLong();
                Thread client = new Thread(() -> {
                    try {
                        answers.add(fuzzClient(socket, kind, new Random(seed)));
                    } catch (Exception e) {
                        // refused or reset: the agent may drop a client; it must not crash
                    }
                });
                clients.add(client);
                client.start();
            }
            // meanwhile the program answers at its own pace
            for (int i = 0; i < 20; i++) {
                assertEquals(
                        List.of("PONG"),
                        t.send("ping", "PONG", null).stream().map(s -> "PONG").toList());
            }
            for (Thread client : clients) {
                client.join(TimeUnit.SECONDS.toMillis(30));
            }
            for (String a : answers) {
                assertTrue(a.isEmpty() || a.lines().count() <= 2 && !hasRawControl(a), "answer to garbage: " + a);
            }
            assertTrue(t.alive(), t.stderrText());
            Cli.Run after = Cli.run(jdk, t.pid, "-snapshot");
            assertEquals(0, after.exit(), "the channel still works: " + after.err());
            assertFalse(t.stderrText().contains("Exception"), t.stderrText());
        }
    }

    /** @return what the agent answered (empty when nothing) */
    private static String fuzzClient(java.nio.file.Path socket, int kind, Random rnd) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            switch (kind) {
                case 0 -> { // random bytes with a newline: a complete line of garbage
                    byte[] b = new byte[2 + rnd.nextInt(200)];
                    rnd.nextBytes(b);
                    // never a command by chance: an empty or blank line (what trim() leaves of control bytes) is the
                    // valid "all traces", so the line starts with a byte no UTF-8 text has
                    b[0] = (byte) 0xff;
                    b[b.length - 1] = '\n';
                    ch.write(ByteBuffer.wrap(b));
                }
                case 1 -> { // a huge line that never ends
                    ch.write(ByteBuffer.wrap(new byte[1 << 20]));
                }
                case 2 -> { // a partial line, then gone
                    ch.write(ByteBuffer.wrap("-dif".getBytes(StandardCharsets.US_ASCII)));
                    return "";
                }
                case 3 -> { // a slow client: one byte every 100 ms
                    for (int i = 0; i < 15; i++) {
                        ch.write(ByteBuffer.wrap(new byte[] {(byte) ('a' + i)}));
                        Thread.sleep(100);
                    }
                }
                default -> { // connects and says nothing
                    return "";
                }
            }
            ch.shutdownOutput();
            ByteBuffer in = ByteBuffer.allocate(1 << 16);
            while (in.hasRemaining() && ch.read(in) > 0) {
                // until the agent closes
            }
            return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
        }
    }
}
