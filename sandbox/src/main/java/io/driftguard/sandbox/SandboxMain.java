package io.driftguard.sandbox;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the sandbox as a process for the demo: prints where it listens as one JSON line, serves until stdin closes.
 * Also {@code driftguard sandbox}, which parses its options with the same annotations.
 */
@Command(name = "sandbox", description = "run the local Azure as a process (prints its endpoints as JSON)",
    footer = {"",
        "Starts the driftguard sandbox (fake ARM and logs ingestion over HTTPS, managed identity endpoint over HTTP) on",
        "127.0.0.1, prints one JSON line {\"armEndpoint\",\"identityEndpoint\",\"identityHeader\",\"trustStore\",",
        "\"botObjectId\",\"logsIngestionEndpoint\",\"dcrImmutableId\",\"streamName\"}, and serves until stdin closes or",
        "the process is killed.",
        "Admin API on the ARM port (no auth): GET /_sandbox/requests, GET /_sandbox/events (drains),",
        "POST /_sandbox/faults, DELETE /_sandbox/faults, POST /_sandbox/sites."})
public final class SandboxMain implements Callable<Integer> {

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
  boolean help;
  @Option(names = "--arm-port", paramLabel = "N", description = "the fake ARM's port (default: a free one)")
  Integer armPort;
  @Option(names = "--identity-port", paramLabel = "N", description = "the managed identity endpoint's port")
  Integer identityPort;
  @Option(names = "--logs-port", paramLabel = "N", description = "the Logs Ingestion endpoint's port")
  Integer logsPort;
  @Option(names = "--page-size", paramLabel = "N", description = "sites per page of a listing")
  Integer pageSize;
  @Option(names = "--seed", paramLabel = "demo", converter = DemoSeedName.class,
      description = "adds function apps with insecure settings to subscription " + DemoSeed.SUBSCRIPTION_ID)
  String seed;
  @Option(names = "--shell",
      description = "prints, instead of the JSON line, the exports that point driftguard at the sandbox (token "
          + "endpoint, ARM endpoint, alert target, JAVA_OPTS trusting its certificate): `. ./that-file`")
  boolean shell;

  /** On its own: picocli's exit codes (2 for a bad argument); through {@code driftguard sandbox}, driftguard's. */
  public static void main(String[] args) {
    CommandLine line = new CommandLine(new SandboxMain()).setSeparator(" ");
    line.getCommandSpec().name("SandboxMain").usageMessage().synopsisHeading("usage: ").width(120);
    System.exit(line.execute(args));
  }

  @Override
  public Integer call() throws IOException {
    SandboxOptions options = SandboxOptions.defaults();
    if (armPort != null) {
      options = options.withArmPort(armPort);
    }
    if (identityPort != null) {
      options = options.withIdentityPort(identityPort);
    }
    if (logsPort != null) {
      options = options.withLogsIngestionPort(logsPort);
    }
    if (pageSize != null) {
      options = options.withPageSize(pageSize);
    }
    serve(options, seed != null, shell);
    return 0;
  }

  /** The one seed there is. */
  static final class DemoSeedName implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!value.equals("demo")) {
        throw new CommandLine.TypeConversionException("unknown seed: " + value);
      }
      return value;
    }
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
}
