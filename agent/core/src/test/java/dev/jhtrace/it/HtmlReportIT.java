package dev.jhtrace.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jhtrace.it.targets.SitesTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTML report as a person sees it, in headless Chromium: it renders with no console error and no request to the
 * network, the leaking frame is in its flame graph, a click on that frame zooms to it and a second click zooms out,
 * and the open-handle count is charted. The screenshot is kept in {@code target/it-artifacts/}.
 */
class HtmlReportIT {
    @TempDir
    Path scratch;

    @ParameterizedTest
    @MethodSource("dev.jhtrace.it.Jdk#ends")
    void rendersAndZoomsOnTheLeakingFrame(Jdk jdk) throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(Chromium.BINARY),
                "no Chromium at " + Chromium.BINARY + " (Debian: apt-get install chromium; .ci/run installs it)");
        Path page = scratch.resolve("leaks.html");
        TargetJvm.Result r = TargetJvm.run(jdk, List.of(TargetJvm.agentFlag() + "=report=" + page), SitesTarget.class);
        assertEquals(0, r.exitCode(), r.stderr());
        int line = Integer.parseInt(r.lines("LEAKLINE ").get(0).trim());
        String site = SitesTarget.class.getName() + ".open(SitesTarget.java:" + line + ")";
        String html = Files.readString(page);
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("src="), "self-contained");

        try (Chromium browser = new Chromium()) {
            browser.load(page);
            assertEquals(
                    "Leak sites",
                    browser.evaluate("document.querySelector('h2').textContent").asText());
            assertEquals(
                    site,
                    browser.evaluate("document.querySelector('table.sites td.site').textContent")
                            .asText());
            // the site is reached by two paths (30 handles through fromWeb, 20 through fromBatch): the wider node
            String frame = "Array.from(document.querySelectorAll('#flame .frame')).filter(function (e) {"
                    + " return e.getAttribute('data-name') === '" + site + "'; }).sort(function (a, b) {"
                    + " return b.getAttribute('data-value') - a.getAttribute('data-value'); })[0]";
            JsonNode before =
                    browser.evaluate("(function () { var e = " + frame + "; var b = e.getBoundingClientRect();"
                            + " return { value: e.getAttribute('data-value'), width: e.style.width, program:"
                            + " e.classList.contains('program'), x: b.left + b.width / 2, y: b.top + b.height / 2,"
                            + " all: document.querySelector('#flame .frame').getAttribute('data-value') }; })()");
            assertEquals("30", before.path("value").asText(), before.toString());
            assertEquals("55", before.path("all").asText(), "the root holds every leak: " + before);
            assertTrue(before.path("program").asBoolean(), "the program's frame stands out: " + before);
            assertTrue(before.path("width").asText().startsWith("54.5"), "30 of 55: " + before);

            browser.evaluate("window.scrollTo(0, 0)");
            JsonNode at = browser.evaluate("(function () { var b = (" + frame + ").getBoundingClientRect();"
                    + " return { x: b.left + Math.min(b.width / 2, 40), y: b.top + b.height / 2 }; })()");
            browser.click(at.path("x").asDouble(), at.path("y").asDouble());
            JsonNode zoomed = browser.evaluate("(function () { var e = " + frame + ";"
                    + " return { width: e.style.width, focus: e.classList.contains('focus') }; })()");
            assertEquals("100%", zoomed.path("width").asText(), "a click zooms to the frame: " + zoomed);
            assertTrue(zoomed.path("focus").asBoolean(), zoomed.toString());
            Path artifacts = Paths.get("target/it-artifacts");
            browser.screenshot(artifacts.resolve("html-report-zoomed-" + jdk + ".png"));

            browser.click(at.path("x").asDouble(), at.path("y").asDouble());
            assertTrue(
                    browser.evaluate("(" + frame + ").style.width").asText().startsWith("54.5"),
                    "a second click zooms out");
            assertTrue(
                    browser.evaluate("document.querySelectorAll('#timeline polyline').length")
                                    .asInt()
                            == 1,
                    "the open-handle count is charted");
            assertTrue(
                    browser.evaluate("document.querySelector('.group .frames .program').textContent")
                            .asText()
                            .contains("SitesTarget"),
                    "the program's frames are marked in the stacks");
            browser.screenshot(artifacts.resolve("html-report-" + jdk + ".png"));
            assertEquals(List.of(), browser.errors(), "the page logged errors");
        }
    }
}
