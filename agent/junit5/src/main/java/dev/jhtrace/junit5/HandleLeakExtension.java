package dev.jhtrace.junit5;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link NoHandleLeaks}; also usable as {@code @ExtendWith(HandleLeakExtension.class)}, with
 * {@link NoHandleLeaks}'s defaults.
 *
 * <p>Around each test (or the whole class, {@link NoHandleLeaks.Scope#CLASS}) it takes a mark, and at its end asks
 * the agent for the handles opened since the mark that are still open or that the GC had to close; more than
 * {@link NoHandleLeaks#allowed()} fail the test with an {@link AssertionError} listing them by leak site, the test's
 * own line first. Tests running in parallel see each other's handles: use it on tests that run alone, or with
 * {@code CLASS} scope on classes that do (docs/testing.md).
 */
public final class HandleLeakExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(HandleLeakExtension.class);
    private static final String MARK = "mark";

    private static volatile boolean toldUnavailable;

    /** The annotation's defaults, for {@code @ExtendWith(HandleLeakExtension.class)} without it. */
    @NoHandleLeaks
    private static final class Defaults {}

    @Override
    public void beforeAll(ExtensionContext context) {
        if (available(context)
                && settings(context, context.getRequiredTestClass()).scope() == NoHandleLeaks.Scope.CLASS) {
            context.getStore(NAMESPACE).put(MARK, AgentLink.mark());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        Long mark = context.getStore(NAMESPACE).remove(MARK, Long.class);
        if (mark != null) {
            Class<?> c = context.getRequiredTestClass();
            verdict(settings(context, c), mark, "test class " + c.getSimpleName(), c);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (available(context)
                && settings(context, context.getRequiredTestMethod()).scope() == NoHandleLeaks.Scope.METHOD) {
            context.getStore(NAMESPACE).put(MARK, AgentLink.mark());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        Long mark = context.getStore(NAMESPACE).remove(MARK, Long.class);
        if (mark != null) {
            verdict(
                    settings(context, context.getRequiredTestMethod()),
                    mark,
                    "test " + context.getRequiredTestClass().getSimpleName() + "."
                            + context.getRequiredTestMethod().getName() + "()",
                    context.getRequiredTestClass());
        }
    }

    private static void verdict(NoHandleLeaks settings, long mark, String title, Class<?> testClass)
            throws InterruptedException {
        LeakVerdict v = LeakVerdict.take(
                mark, settings.suppress(), settings.allowed(), settings.graceMillis(), title, outermost(testClass));
        if (v.badPattern()) {
            throw new IllegalArgumentException("@NoHandleLeaks(suppress = ...): " + v.text());
        }
        if (!v.known()) {
            System.err.println("jhtrace: no verdict on leaks for " + title + ": " + v.text());
            return;
        }
        if (v.leaks() > settings.allowed()) {
            throw new AssertionError(
                    (settings.allowed() > 0 ? "more than " + settings.allowed() + " handle(s) leaked: " : "")
                            + v.text());
        }
    }

    /** The top-level class: a @Nested class's frames are its own, but its lines are in the outer class's file. */
    private static String outermost(Class<?> c) {
        while (c.getEnclosingClass() != null) {
            c = c.getEnclosingClass();
        }
        return c.getName();
    }

    private static boolean available(ExtensionContext context) {
        boolean selfAttach = context.getConfigurationParameter(AgentLink.SELF_ATTACH)
                .or(() -> Optional.ofNullable(System.getProperty(AgentLink.SELF_ATTACH)))
                .map(v -> !v.equalsIgnoreCase("false"))
                .orElse(true);
        String reason = AgentLink.ensure(selfAttach);
        if (reason == null) {
            return true;
        }
        if (!toldUnavailable) {
            toldUnavailable = true;
            System.err.println("jhtrace: handle leaks are not checked: " + reason);
        }
        context.publishReportEntry("jhtrace", "handle leaks not checked: " + reason);
        return false;
    }

    /** The nearest {@link NoHandleLeaks}: the method's, its class's, an enclosing class's, or the defaults. */
    private static NoHandleLeaks settings(ExtensionContext context, AnnotatedElement element) {
        Optional<NoHandleLeaks> found = AnnotationSupport.findAnnotation(element, NoHandleLeaks.class);
        if (found.isPresent()) {
            return found.get();
        }
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            found = AnnotationSupport.findAnnotation(c, NoHandleLeaks.class);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return Defaults.class.getAnnotation(NoHandleLeaks.class);
    }
}
