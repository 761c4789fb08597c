package io.driftguard.sandbox;

import java.io.IOException;

/** Runs the sandbox as a process for the demo: prints where it listens as one JSON line, serves until stdin closes. */
public final class SandboxMain {
  static final String USAGE = """
      usage: SandboxMain [--arm-port N] [--identity-port N] [--logs-port N] [--page-size N] [--seed demo] [--shell]
      Starts the driftguard sandbox (fake ARM and logs ingestion over HTTPS, managed identity endpoint over
      HTTP) on 127.0.0.1, prints one JSON line {"armEndpoint","identityEndpoint","identityHeader","trustStore",
      "botObjectId","logsIngestionEndpoint","dcrImmutableId","streamName"}, and serves until stdin closes or
      the process is killed.
      Admin API on the ARM port (no auth): GET /_sandbox/requests, GET /_sandbox/events (drains),
      POST /_sandbox/faults, DELETE /_sandbox/faults, POST /_sandbox/sites.
      --seed demo adds function apps with insecure settings to subscription %s.
      --shell prints, instead of the JSON line, the exports that point driftguard at the sandbox (token
      endpoint, ARM endpoint, alert target, JAVA_OPTS trusting its certificate): `. ./that-file` in a shell.
      """.formatted(DemoSeed.SUBSCRIPTION_ID);

  private SandboxMain() {}

  public static void main(String[] args) throws IOException {
    SandboxOptions options = SandboxOptions.defaults();
    boolean seedDemo = false;
    boolean shell = false;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--help", "-h" -> {
            System.out.print(USAGE);
            return;
          }
          case "--arm-port" -> options = options.withArmPort(Integer.parseInt(value(args, ++i)));
          case "--identity-port" -> options = options.withIdentityPort(Integer.parseInt(value(args, ++i)));
          case "--logs-port" -> options = options.withLogsIngestionPort(Integer.parseInt(value(args, ++i)));
          case "--page-size" -> options = options.withPageSize(Integer.parseInt(value(args, ++i)));
          case "--seed" -> {
            if (!value(args, ++i).equals("demo")) {
              throw new IllegalArgumentException("unknown seed: " + args[i]);
            }
            seedDemo = true;
          }
          case "--shell" -> shell = true;
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
      }
    } catch (IllegalArgumentException e) { // also a NumberFormatException
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
    }
    serve(options, seedDemo, shell);
  }

  private static void serve(SandboxOptions options, boolean seedDemo, boolean shell) throws IOException {
    try (Sandbox sandbox = Sandbox.start(options)) {
      Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
      if (seedDemo) {
        DemoSeed.seed(sandbox.arm());
      }
      System.out.println(shell ? exports(sandbox) : Json.write(Json.object()
          .put("armEndpoint", sandbox.armEndpoint().toString())
          .put("identityEndpoint", sandbox.identityEndpoint().toString())
          .put("identityHeader", sandbox.identityHeader())
          .put("trustStore", sandbox.trustStore().toString())
          .put("botObjectId", sandbox.botObjectId())
          .put("logsIngestionEndpoint", sandbox.logsIngestionEndpoint().toString())
          .put("dcrImmutableId", sandbox.logs().dcrImmutableId())
          .put("streamName", sandbox.logs().streamName())));
      System.out.flush();
      while (System.in.read() != -1) {
        // Serve until stdin closes: the parent process going away ends the sandbox.
      }
    }
  }

  /** The settings driftguard reads, pointing at this sandbox, as shell exports. */
  private static String exports(Sandbox sandbox) {
    return String.join("\n",
        "export IDENTITY_ENDPOINT='" + sandbox.identityEndpoint() + "'",
        "export IDENTITY_HEADER='" + sandbox.identityHeader() + "'",
        "export DRIFTGUARD_ARM_ENDPOINT='" + sandbox.armEndpoint() + "'",
        "export DRIFTGUARD_ALERT_ENDPOINT='" + sandbox.logsIngestionEndpoint() + "'",
        "export DRIFTGUARD_ALERT_RULE_ID='" + sandbox.logs().dcrImmutableId() + "'",
        "export DRIFTGUARD_ALERT_STREAM='" + sandbox.logs().streamName() + "'",
        "export JAVA_OPTS='-Djavax.net.ssl.trustStore=" + sandbox.trustStore()
            + " -Djavax.net.ssl.trustStorePassword=changeit'");
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }
}
