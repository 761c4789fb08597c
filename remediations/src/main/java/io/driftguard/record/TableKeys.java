package io.driftguard.record;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** Table storage keys from values that may hold characters keys cannot ('/', '\', '#', '?', control characters). */
final class TableKeys {

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:@~-]{1,200}");

  private TableKeys() {}

  /** A site or slot id as a key: lower-case (ids are case-insensitive), '/' as '~'. */
  static String ofResource(String resourceId) {
    return of(resourceId.toLowerCase(Locale.ROOT).replace('/', '~'));
  }

  /** The value itself when it is a safe key, else its SHA-256 (event ids come from outside). */
  static String of(String value) {
    if (SAFE.matcher(value).matches()) {
      return value;
    }
    try {
      return "sha256-" + HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
