package io.driftguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.driftguard.sandbox.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmBenchTest {

  private static final Instant T0 = Instant.parse("2026-11-29T06:00:00Z");
  private static final Duration LATENCY = Duration.ofMillis(20);

  @Test
  void requestsSentBeforeAnyAnswerOfTheirWaveCouldArriveShareItsLatency() {
    RecordedRequest site = request("site", 0, 21);
    RecordedRequest web = request("web", 23, 44);
    RecordedRequest ftp = request("ftp", 24, 46);
    RecordedRequest scm = request("scm", 42, 63); // a read sent late, still before any answer of its wave could come
    RecordedRequest patch = request("patch", 66, 87);

    List<List<RecordedRequest>> waves = WarmBench.waves(List.of(web, patch, site, scm, ftp), LATENCY);

    assertEquals(List.of(List.of(site), List.of(web, ftp, scm), List.of(patch)), waves);
    assertEquals(21.0, WarmBench.heldMs(waves.get(1)), 1e-9, "the wave waits for its last answer, scm's");
  }

  @Test
  void aRequestSentALatencyAfterItsWaveBeganStartsTheNext() {
    RecordedRequest first = request("first", 0, 20);
    RecordedRequest after = request("after", 20, 40);

    assertEquals(List.of(List.of(first), List.of(after)), WarmBench.waves(List.of(first, after), LATENCY));
  }

  private static RecordedRequest request(String path, long atMs, long answeredMs) {
    return new RecordedRequest(T0.plusMillis(atMs), "GET", path, "", "", 200, null, T0.plusMillis(answeredMs));
  }
}
