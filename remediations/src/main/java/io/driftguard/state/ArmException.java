package io.driftguard.state;

/**
 * An ARM call that failed after the SDK's own retries. {@code status} is the HTTP status, or 0 when no response
 * arrived (timeout, connection reset). The message is ARM's error code and message, never a token or a body.
 */
public final class ArmException extends RuntimeException {

  private final int status;
  private final String code;

  public ArmException(int status, String code, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public boolean isNotFound() {
    return status == 404;
  }

  /**
   * ARM lacks the resource (404) or will not show it to driftguard (403): for a document of an app that exists, its
   * kind or API has no such document, or the identity may not read it. No redelivery changes that.
   */
  public boolean isAbsence() {
    return status == 404 || status == 403;
  }

  /** Throttling, server errors and transport failures may pass; Event Grid should deliver the event again later. */
  public boolean isRetryable() {
    return status == 0 || status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
  }
}
