package dev.jhtrace.agent;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The multi-producer ring between application threads and the analyzer.
 *
 * <p>Producers never wait: {@link RingBuffer#tryNext()} fails on a full ring and the event is counted
 * as dropped. The consumer's exception handler counts and continues, because Disruptor's default
 * handler would kill the consumer and the ring would then stay full forever. The consumer parks for
 * 1 ms whenever the ring is empty, without spinning or yielding first: an idle application keeps an
 * idle agent, and a busy one does not lose a core to it (100 yields before each park kept the analyzer
 * on a whole core of a 2-core machine under a steady stream of events; 0.2 ms parks cost it 40% more
 * CPU than 1 ms ones, in wake-ups and in caches gone cold between small batches). The ring's 32,768
 * slots hold tens of milliseconds of the busiest stream of opens and closes.
 */
public final class EventRing {
    private final RingBuffer<HandleEvent> ring;
    private final BatchEventProcessor<HandleEvent> processor;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong handlerErrors = new AtomicLong();
    private final Thread consumer;
    private final DropLedger ledger;

    /**
     * Creates and starts the ring and its consumer thread.
     *
     * @param size    slots, a power of two
     * @param handler the analyzer
     */
    public EventRing(int size, EventHandler<HandleEvent> handler) {
        this(size, handler, new DropLedger());
    }

    /**
     * Creates and starts the ring and its consumer thread.
     *
     * @param size    slots, a power of two
     * @param handler the analyzer
     * @param ledger  where drops are counted by descriptor number
     */
    EventRing(int size, EventHandler<HandleEvent> handler, DropLedger ledger) {
        this.ledger = ledger;
        ring = RingBuffer.createMultiProducer(HandleEvent.FACTORY, size, new SleepingWaitStrategy(0, 1_000_000));
        processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), handler);
        processor.setExceptionHandler(new CountingExceptionHandler());
        ring.addGatingSequences(processor.getSequence());
        consumer = new Thread(AgentThreads.wrap(processor), "jhtrace-analyzer");
        consumer.setDaemon(true);
        consumer.start();
    }

    /**
     * Claims a slot without waiting.
     *
     * @param fd the descriptor number the event concerns, or -1: a drop is counted against it ({@link DropLedger})
     * @return the sequence to fill and {@link #publish}, or -1 when the ring is full (the event is counted as dropped)
     */
    public long tryClaim(int fd) {
        try {
            return ring.tryNext();
        } catch (InsufficientCapacityException e) {
            dropped.incrementAndGet();
            ledger.dropped(fd);
            return -1;
        }
    }

    /**
     * @param fd a descriptor number
     * @return the drops counted against it so far: read before {@link #tryClaim} and carried by the event
     */
    int drops(int fd) {
        return ledger.count(fd);
    }

    /**
     * @param sequence a claimed sequence
     * @return its slot
     */
    public HandleEvent slot(long sequence) {
        return ring.get(sequence);
    }

    /** @param sequence a claimed, filled sequence */
    public void publish(long sequence) {
        ring.publish(sequence);
    }

    /** @return events dropped because the ring was full */
    public long dropped() {
        return dropped.get();
    }

    /** @return exceptions the analyzer threw (and survived) */
    public long handlerErrors() {
        return handlerErrors.get();
    }

    /**
     * Runs {@code command} on the analyzer thread after every event published before it, and waits for it.
     * Only agent threads call this; it may wait for a slot, up to the timeout.
     *
     * @param command what to run
     * @param timeout how long to wait in all
     * @param unit    unit of {@code timeout}
     * @return true if the command ran in time
     */
    public boolean runInOrder(Runnable command, long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        CountDownLatch done = new CountDownLatch(1);
        Runnable wrapped = new CountingDown(command, done);
        long seq;
        while (true) {
            try {
                seq = ring.tryNext();
                break;
            } catch (InsufficientCapacityException e) {
                if (System.nanoTime() > deadline || !consumer.isAlive()) {
                    return false;
                }
                LockSupport.parkNanos(100_000);
            }
        }
        HandleEvent slot = ring.get(seq);
        slot.clear();
        slot.command = wrapped;
        ring.publish(seq);
        try {
            return done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private final class CountingExceptionHandler implements ExceptionHandler<HandleEvent> {
        @Override
        public void handleEventException(Throwable ex, long sequence, HandleEvent event) {
            handlerErrors.incrementAndGet();
            AgentLog.once("analyzer", "jhtrace: analyzer error (tracing continues): " + ex);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            handlerErrors.incrementAndGet();
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            handlerErrors.incrementAndGet();
        }
    }

    /** A command that counts its latch down when it has run. A class, not a lambda: every report and exit runs it. */
    private static final class CountingDown implements Runnable {
        private final Runnable command;
        private final CountDownLatch done;

        CountingDown(Runnable command, CountDownLatch done) {
            this.command = command;
            this.done = done;
        }

        @Override
        public void run() {
            try {
                command.run();
            } finally {
                done.countDown();
            }
        }
    }
}
