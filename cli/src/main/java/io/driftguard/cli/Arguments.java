package io.driftguard.cli;

/** Reading a command's options. */
final class Arguments {

  private Arguments() {}

  /** The value after the option at {@code index - 1}; a missing one is a usage error. */
  static String value(String[] args, int index) {
    if (index >= args.length) {
      throw new IllegalArgumentException(args[index - 1] + " needs a value");
    }
    return args[index];
  }
}
