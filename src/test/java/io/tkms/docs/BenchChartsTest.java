package io.tkms.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tkms.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@code load-tests/bench/charts.sh} draws well-formed, self-contained SVG charts with their titles
 * from the committed CSV of {@code docs/charts} (a directory) and from a benchmark's CSV files (a
 * report's base path, with every percentile). Needs gnuplot: without it the tests are skipped
 * loudly, except under {@code CI=true}, where that is a failure ({@code .ci/run} installs
 * gnuplot-nox).
 */
class BenchChartsTest {
  static final Path SCRIPT = Path.of("load-tests", "bench", "charts.sh");

  @BeforeAll
  static void requireGnuplot() {
    RequiredTool.path("gnuplot", "Debian's gnuplot-nox: apt-get install -y gnuplot-nox");
  }

  @Test
  void committedCsv_drawsEveryChartWithItsTitle(@TempDir Path out) throws Exception {
    run(Path.of("docs", "charts").toString(), out);

    assertChart(
        out.resolve("throughput.svg"), "Throughput by scenario", "mix-cold", "ref-encrypt-1k");
    assertChart(out.resolve("p99.svg"), "p99 latency by scenario", "healthz", "13.98");
    assertChart(out.resolve("percentiles.svg"), "Latency percentiles by scenario", "p50", "p99");
    assertChart(
        out.resolve("soak-rss.svg"), "Soak: throughput, p99 and server RSS", "Postgres restart");
  }

  @Test
  void benchmarkCsv_byReportBase_drawsAllPercentiles(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("run-scenarios.csv"),
        """
        # run: fixture, load-tests/bench.sh --duration 3
        scenario,requests_per_s,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,non_success,server_cpu_us_per_request,x_ceiling,x_ceiling_cpu,server_rss_mib,note
        healthz,45298,0.561,3.407,9.752,19.720,25.865,0,22.1,1.00,1.00,413,
        ref-encrypt-32,56950,0.257,0.538,6.924,12.609,19.694,0,16.6,1.26,1.33,382,
        encrypt-32,7677,4.151,7.530,13.858,25.763,26.522,3,131.5,0.17,0.17,454,2 error kinds; see the server's counters
        """,
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("run-soak.csv"),
        """
        # run: fixture soak
        slice,start_s,end_s,requests,requests_per_s,p50_ms,p99_ms,max_ms,non_success,server_rss_mib
        1,0.085,5.316,4607,921,0.832,76.707,392.595,0,470.8
        2,5.659,10.865,4684,935,0.642,28.501,57.440,2,471.9
        3,11.2,16.4,4690,936,0.640,12.000,50.000,0,472.0
        """,
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("run-soak-events.csv"),
        "event,start_s,answering_s,result\nredis,5.7,7.9,ok\n",
        StandardCharsets.UTF_8);
    Path out = dir.resolve("charts");

    run(dir.resolve("run.md").toString(), out);

    assertChart(out.resolve("throughput.svg"), "fixture, load-tests/bench.sh", "encrypt-32");
    assertChart(out.resolve("percentiles.svg"), "Latency percentiles", "p90", "p99.9");
    assertChart(out.resolve("soak-rss.svg"), "fixture soak", "Redis restart");
  }

  static void run(String source, Path out) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(List.of("bash", SCRIPT.toString(), source, out.toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("charts.sh did not finish in 60 s: " + output);
    }
    assertThat(p.exitValue()).as("charts.sh " + source + ": " + output).isZero();
  }

  /** Well-formed SVG, nothing fetched from outside, on a white background, with these texts. */
  static void assertChart(Path svg, String... texts) throws Exception {
    assertThat(svg).exists();
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(svg.toFile());
    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(doc.getElementsByTagNameNS("*", "script").getLength()).as("scripts").isZero();
    String text = Files.readString(svg, StandardCharsets.UTF_8);
    assertThat(text)
        .as(svg.getFileName() + ": white background, no external reference")
        .contains("fill=\"#ffffff\"")
        .doesNotContainPattern("(?:href|src)=['\"](?!#)");
    assertThat(doc.getElementsByTagNameNS("*", "title").item(0).getTextContent())
        .as("the SVG's own title")
        .doesNotContain("Gnuplot");
    assertThat(doc.getDocumentElement().getTextContent()).contains(texts);
  }
}
