package io.driftguard.cli;

import io.driftguard.sandbox.SandboxMain;
import java.io.PrintStream;

/** {@code sandbox}: the local Azure as a process, for trying {@code handle} by hand. */
final class SandboxCommand implements Main.Command {

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    SandboxMain.main(args);
    return ExitCode.OK;
  }
}
