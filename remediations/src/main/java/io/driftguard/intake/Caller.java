package io.driftguard.intake;

import io.driftguard.text.Printable;
import java.util.Optional;

/**
 * Who made a write, from the event's token claims and authorization evidence. Any part may be unknown. The claims are
 * kept as sent; the names made of them for people are printable and short.
 */
public record Caller(
    Optional<String> objectId,
    Optional<String> principalType,
    Optional<String> upn,
    Optional<String> name,
    Optional<String> appId,
    Optional<String> ipAddress) {

  public static final Caller UNKNOWN =
      new Caller(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** Who it was, as alert rows name actors: the upn or name, else the application id, else the object id. */
  public String actor() {
    return Printable.abbreviate(upn.or(() -> name).or(() -> appId).or(() -> objectId).orElse("unknown"));
  }

  /** The most readable identity: the user's upn or name, else the application id, else the object id. */
  public String displayName() {
    return Printable.abbreviate(upn.or(() -> name).or(() -> appId.map(id -> "app " + id))
        .or(() -> objectId.map(id -> "object " + id)).orElse("an unknown caller"));
  }
}
