package io.driftguard.controls;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A TLS protocol version as ARM spells it ({@code 1.0} ... {@code 1.3}), ordered numerically. */
public record TlsVersion(int major, int minor) implements Comparable<TlsVersion> {

  /** The versions ARM accepts for {@code minTlsVersion}; a newer one is still parsed, and compliant when high enough. */
  public static final List<TlsVersion> KNOWN =
      List.of(new TlsVersion(1, 0), new TlsVersion(1, 1), new TlsVersion(1, 2), new TlsVersion(1, 3));

  private static final Pattern VERSION = Pattern.compile("(\\d{1,2})\\.(\\d{1,2})");

  /** Parses {@code 1.2}; anything else is empty, so an unknown value is a finding rather than a guess. */
  public static Optional<TlsVersion> parse(String text) {
    Matcher matcher = VERSION.matcher(text == null ? "" : text.trim());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    return Optional.of(new TlsVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))));
  }

  @Override
  public int compareTo(TlsVersion other) {
    return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
