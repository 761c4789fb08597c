package io.driftguard.sandbox;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A misbehaviour of a fake endpoint (ARM or logs ingestion), matched against incoming HTTP requests before normal
 * handling. Immutable; every modifier returns a copy:
 * {@code Fault.on("PATCH", "/config/web$").status(429).retryAfterSeconds(1).times(2)}.
 *
 * @param method            the HTTP method to match, or {@code *} for any
 * @param path              matched case-insensitively anywhere in the decoded path ({@link java.util.regex.Matcher#find})
 * @param status            the error status to answer; 0 = no error, only the delay
 * @param retryAfterSeconds the {@code Retry-After} header value; negative = no header
 * @param delay             waited before answering (or before normal handling when status is 0)
 * @param times             how many matching requests it affects; {@link #ALWAYS} for all
 * @param resetsConnection  drop the connection without an answer
 * @param answer            a body to answer instead of the real one (a crafted list page, say), the request not
 *                          handled (a write is not applied); null = none
 * @param answerStatus      the status {@code answer} is served with: 2xx, or 3xx with a {@code Location} back to the
 *                          request's own path (a redirect ARM never sends)
 * @param losesAnswer       handle the request as usual (a write is applied), then drop the connection without the
 *                          answer: the client never learns that its write landed. Fake ARM only.
 */
public record Fault(
    String method,
    Pattern path,
    int status,
    int retryAfterSeconds,
    Duration delay,
    int times,
    boolean resetsConnection,
    String answer,
    int answerStatus,
    boolean losesAnswer) {

  public static final int ALWAYS = Integer.MAX_VALUE;

  public Fault {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(delay, "delay");
    if (answer != null && status != 0) {
      throw new IllegalArgumentException("a fault answers either an error status or a body, not both");
    }
    if (answerStatus < 200 || answerStatus > 399) {
      throw new IllegalArgumentException("a forged answer's status must be 2xx or 3xx: " + answerStatus);
    }
    if (status != 0 && (status < 400 || status > 599)) {
      throw new IllegalArgumentException("a fault status must be 0 or 4xx/5xx: " + status);
    }
    if (times < 1) {
      throw new IllegalArgumentException("times must be positive: " + times);
    }
    method = method.toUpperCase(Locale.ROOT);
  }

  public static Fault on(String method, String pathRegex) {
    return new Fault(
        method, Pattern.compile(pathRegex, Pattern.CASE_INSENSITIVE), 0, -1, Duration.ZERO, 1, false, null, 200, false);
  }

  public Fault status(int newStatus) {
    return new Fault(method, path, newStatus, retryAfterSeconds, delay, times, resetsConnection, answer, answerStatus,
        losesAnswer);
  }

  public Fault retryAfterSeconds(int seconds) {
    return new Fault(method, path, status, seconds, delay, times, resetsConnection, answer, answerStatus,
        losesAnswer);
  }

  public Fault delay(Duration newDelay) {
    return new Fault(method, path, status, retryAfterSeconds, newDelay, times, resetsConnection, answer, answerStatus,
        losesAnswer);
  }

  public Fault times(int newTimes) {
    return new Fault(method, path, status, retryAfterSeconds, delay, newTimes, resetsConnection, answer, answerStatus,
        losesAnswer);
  }

  public Fault resetConnection() {
    return new Fault(method, path, status, retryAfterSeconds, delay, times, true, answer, answerStatus,
        losesAnswer);
  }

  /** Answers 200 with this JSON body, as if the endpoint had sent it: a forged list page or document. */
  public Fault answer(String jsonBody) {
    return answer(200, jsonBody);
  }

  /**
   * Answers {@code answerStatus} (2xx, or 3xx with a {@code Location} back to the request's path) with this body,
   * possibly empty, and does not handle the request: a write answered 204, 202 or with a redirect, and not applied.
   */
  public Fault answer(int answerStatus, String body) {
    return new Fault(method, path, status, retryAfterSeconds, delay, times, resetsConnection,
        Objects.requireNonNull(body, "body"), answerStatus, losesAnswer);
  }

  /** The request is handled (a write lands), then the connection drops: an answer lost on the way back. */
  public Fault loseAnswer() {
    return new Fault(method, path, status, retryAfterSeconds, delay, times, resetsConnection, answer, answerStatus,
        true);
  }

  boolean matches(String requestMethod, String requestPath) {
    return (method.equals("*") || method.equalsIgnoreCase(requestMethod)) && path.matcher(requestPath).find();
  }
}
