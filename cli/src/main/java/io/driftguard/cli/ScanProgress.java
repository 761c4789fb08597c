package io.driftguard.cli;

import io.driftguard.engine.Decision;
import io.driftguard.sweep.SweepListener;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Hears a scan from the sweep's threads: keeps every decision for the report, and shows progress on stderr, a bar
 * redrawn in place on a terminal, a line per listed page otherwise (logs, CI).
 */
final class ScanProgress implements SweepListener {

  private static final int BAR_WIDTH = 20;
  /** Thousands of decisions a minute: redraw a few times a second, not for each. */
  private static final long REDRAW_NANOS = 200_000_000;

  private final PrintStream err;
  private final boolean terminal;
  private final List<Decision> decisions = new ArrayList<>();
  private int listed;
  /** Sites on earlier pages: all done, since the sweep finishes a page before it lists the next. */
  private int earlierPages;
  private int doneInPage;
  private int withFindings;
  private long drawnAt;
  private int drawnLength;

  ScanProgress(PrintStream err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  @Override
  public synchronized void listed(String subscription, int sites) {
    earlierPages = listed;
    doneInPage = 0;
    listed += sites;
    if (terminal) {
      draw();
    } else {
      err.printf("listed %d sites of %s (%d so far); %d decided%n", sites, subscription, listed, decisions.size());
    }
  }

  @Override
  public synchronized void decided(Decision decision) {
    decisions.add(decision);
    if (!decision.findings().isEmpty()) {
      withFindings++;
    }
    if (!decision.resource().contains("/slots/")) {
      doneInPage++;
    }
    if (terminal && System.nanoTime() - drawnAt > REDRAW_NANOS) {
      draw();
    }
  }

  /** The last word on stderr, before the report on stdout. */
  synchronized void finish() {
    if (terminal) {
      // Sites that are not function apps are passed over unheard: at the end every listed site is done.
      earlierPages = listed;
      doneInPage = 0;
      draw();
      err.println();
    } else {
      err.printf("decided %d function apps and slots, %d with findings%n", decisions.size(), withFindings);
    }
  }

  synchronized List<Decision> decisions() {
    return List.copyOf(decisions);
  }

  private void draw() {
    int done = Math.min(listed, earlierPages + doneInPage);
    int filled = listed == 0 ? 0 : BAR_WIDTH * done / listed;
    String line = String.format("[%s%s] %d/%d listed sites done, %d apps and slots decided, %d with findings",
        "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), done, listed, decisions.size(), withFindings);
    err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
    err.flush();
    drawnLength = line.length();
    drawnAt = System.nanoTime();
  }
}
