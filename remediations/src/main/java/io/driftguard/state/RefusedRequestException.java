package io.driftguard.state;

/**
 * driftguard refused to send a request, before any credential was attached: it was bound for another host than the
 * configured endpoint, or it would write something other than a site, a slot or their {@code config/web}. Never
 * retried: the same request would be refused again. The message names the host or path, never a token.
 */
public final class RefusedRequestException extends RuntimeException {
  public RefusedRequestException(String reason) {
    super(reason, null, false, false);
  }
}
