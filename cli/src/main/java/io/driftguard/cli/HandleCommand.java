package io.driftguard.cli;

import io.driftguard.config.Driftguard;
import io.driftguard.config.Settings;
import io.driftguard.engine.Decision;
import io.driftguard.engine.DecisionJson;
import io.driftguard.engine.Remediator;
import io.driftguard.intake.MalformedDeliveryException;
import io.driftguard.time.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code handle [FILE|-]}: the function's path, from a file or stdin, with the same settings (environment). */
@Command(name = "handle", customSynopsis = "driftguard handle [FILE|-]",
    description = "handle an Event Grid delivery exactly as the function does; one JSON decision per line",
    footer = {"",
        "Handles an Event Grid delivery (one event or an array; Event Grid schema or CloudEvents 1.0) exactly as the",
        "OnResourceWrite function does, with the same settings, read from the environment (see docs/settings.md).",
        "",
        "stdout: one JSON decision per event, one per line. stderr: a line per decision for people, and logs.",
        "exit:   0  every event handled (skipped and rejected included)",
        "        64 bad arguments",
        "        65 the input cannot be parsed as events",
        "        66 FILE does not exist",
        "        75 a retryable failure (throttling, ARM errors, timeouts, an alert upload that failed, another",
        "           instance handling the event): deliver the same input again later. Table storage being down is",
        "           not one: the decision says recordingDegraded, and fixes and alerts still go out",
        "        78 invalid settings"})
final class HandleCommand implements Main.Command {

  @Parameters(arity = "0..1", paramLabel = "FILE|-", description = "the delivery; stdin when '-' or absent")
  String file = "-";

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    StartupTrace trace = StartupTrace.fromSystemProperty(err);
    String delivery;
    try {
      delivery = file.equals("-") ? read(System.in) : Files.readString(Path.of(file));
    } catch (NoSuchFileException e) {
      err.println("driftguard: no such file: " + file);
      return ExitCode.NO_INPUT;
    }
    Remediator engine = Driftguard.builder(Settings.fromEnvironment(), Clock.systemUTC(), Ticker.SYSTEM).build();
    trace.mark("wired");
    List<Decision> decisions;
    try {
      decisions = engine.handleDelivery(delivery);
    } catch (MalformedDeliveryException e) {
      err.println("driftguard: not an Event Grid delivery: " + e.getMessage());
      return ExitCode.DATA_ERROR;
    }
    trace.mark("handled");
    boolean retry = false;
    for (Decision decision : decisions) {
      out.println(DecisionJson.toJson(decision));
      err.println(Narration.oneLine(decision));
      retry |= decision.retryable();
    }
    out.flush();
    trace.mark("printed");
    return retry ? ExitCode.TEMPORARY_FAILURE : ExitCode.OK;
  }

  private static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
