package io.driftguard.controls;

import io.driftguard.resource.SiteRef;
import io.driftguard.state.Document;

/** Remote debugging opens a debugger port to the worker; it must stay off outside a debugging session. */
final class RemoteDebuggingOff extends BooleanControl {

  RemoteDebuggingOff() {
    super("remote-debugging-off", "Remote debugging off", Document.WEB_CONFIG, "remoteDebuggingEnabled", false);
  }

  @Override
  public String manualFix(SiteRef site) {
    return CliCommands.functionApp("config set", site, "--remote-debugging-enabled", "false");
  }
}
