package dev.jhtrace.agent.os;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Tells whether an exception the JDK made of a failed open, socket or accept means the process (EMFILE) or the
 * system (ENFILE) is out of descriptors.
 *
 * <p>Why by text: the JDK keeps no errno in the exceptions it throws, only {@code strerror}'s text, in the locale
 * the JVM started in ({@code LANG=de_DE.UTF-8}: "Zu viele offene Dateien"). The English text is always known; the
 * native library, once loaded (also with {@code native=false}: the control channel is in it), adds the C library's
 * texts in this process's locale ({@link #learn}). Where it cannot load, a localized message goes unrecognised and
 * the report at the first "Too many open files" is not written (docs/options.md#automatic-reports).
 */
public final class DescriptorExhaustion {
    /** The C library's text of EMFILE in English; that of ENFILE begins with it ("... in system"). */
    static final String ENGLISH = "Too many open files";

    private static volatile String[] texts = {ENGLISH};

    /**
     * The last few failures seen before this locale's texts were known (the native module loads beside the program's
     * start): one of them may have been the first "Too many open files", in words not known yet.
     */
    private static final AtomicReferenceArray<Throwable> held = new AtomicReferenceArray<>(4);

    private static final AtomicInteger nextHeld = new AtomicInteger();
    private static volatile boolean learned;
    private static volatile Consumer<Throwable> lateListener;

    private DescriptorExhaustion() {}

    /**
     * @param t what an open, socket or accept threw (or what {@code UnixException} turned into)
     * @return whether its message is EMFILE's or ENFILE's text
     */
    public static boolean means(Throwable t) {
        String message = t != null ? t.getMessage() : null;
        if (message == null) {
            return false;
        }
        for (String text : texts) {
            if (message.contains(text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@link #means}, for the hook of a failed open: a failure it cannot tell yet is held (the last four) until the
     * locale's texts are known.
     *
     * @param t what an open, socket or accept threw
     * @return whether its message is EMFILE's or ENFILE's text as known now
     */
    public static boolean meansOrHold(Throwable t) {
        if (means(t)) {
            return true;
        }
        if (!learned && t != null) {
            held.set(nextHeld.getAndIncrement() & (held.length() - 1), t);
            if (learned && means(t)) {
                return true; // the texts came while it was held: told now, by the hook, not lost
            }
        }
        return false;
    }

    /** @param listener told (once, on the thread that learns the texts) of a held failure they show was EMFILE's */
    public static void whenRecognisedLater(Consumer<Throwable> listener) {
        lateListener = listener;
    }

    /**
     * Adds the texts of EMFILE and ENFILE in this process's locale, then tells the listener of the first held
     * failure they recognise.
     *
     * @param localTexts the C library's {@code strerror} bytes, in the platform's file name encoding (as the JDK
     *     decodes them), or null
     */
    public static void learn(byte[][] localTexts) {
        if (localTexts == null) {
            return;
        }
        List<String> known = new ArrayList<>(List.of(texts));
        for (byte[] bytes : localTexts) {
            String text = bytes != null ? new String(bytes, platformCharset()).trim() : "";
            // a text this short would match unrelated messages (a locale without translations gives English)
            if (text.length() >= 8 && !known.contains(text)) {
                known.add(text);
            }
        }
        texts = known.toArray(new String[0]);
        learned = true;
        Throwable recognised = null;
        for (int i = 0; i < held.length(); i++) {
            Throwable t = held.getAndSet(i, null);
            if (recognised == null && means(t)) {
                recognised = t;
            }
        }
        Consumer<Throwable> listener = lateListener;
        if (recognised != null && listener != null) {
            listener.accept(recognised);
        }
    }

    private static Charset platformCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name != null ? Charset.forName(name) : StandardCharsets.UTF_8;
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
