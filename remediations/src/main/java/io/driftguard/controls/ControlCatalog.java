package io.driftguard.controls;

import java.util.List;
import java.util.Optional;

/** Every control driftguard knows. Adding a control means adding its class and one line here; the engine is untouched. */
public final class ControlCatalog {

  private final List<Control> controls;

  private ControlCatalog(List<Control> controls) {
    this.controls = List.copyOf(controls);
  }

  public static ControlCatalog standard(TlsVersion minimumTls, FtpsTarget ftpsTarget) {
    return new ControlCatalog(List.of(
        new HttpsOnly(),
        new FtpDisabled(ftpsTarget),
        new RemoteDebuggingOff(),
        new MinTls(minimumTls)));
  }

  /** The ids of all known controls, without building any: what settings may name. */
  public static List<String> ids() {
    return standard(new TlsVersion(1, 2), FtpsTarget.DISABLED).all().stream().map(Control::id).toList();
  }

  public List<Control> all() {
    return controls;
  }

  public Optional<Control> find(String id) {
    return controls.stream().filter(control -> control.id().equals(id)).findFirst();
  }
}
