package io.driftguard.state;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftguard.text.Printable;
import java.io.IOException;
import java.util.Optional;

/**
 * How whatever went wrong in a call to ARM becomes one {@link ArmException} that says what was being done: ARM's and
 * App Service's error bodies, the SDK's exceptions, driftguard's own refusals and fail-fasts, and no answer at all.
 */
final class ArmErrors {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ArmErrors() {}

  /** One call to ARM, through the SDK or the pipeline directly. */
  interface ArmCall<T> {
    T run();
  }

  /**
   * ARM's error body as an exception that says what was being done: ARM's {@code {"error":{"code","message"}}}, or App
   * Service's own {@code {"Code","Message","Details"}} (its refusals of a setting for a kind of site come that way).
   */
  static ArmException fromAnswer(String what, int status, String answer) {
    JsonNode body;
    try {
      body = JSON.readTree(answer);
    } catch (IOException e) {
      body = JSON.missingNode();
    }
    JsonNode error = body.has("error") ? body.path("error") : body;
    JsonNode code = error.has("code") ? error.path("code") : error.path("Code");
    JsonNode message = error.has("message") ? error.path("message") : error.path("Message");
    String shownCode = code.asText("Http" + status);
    return new ArmException(status, shownCode, what + ": " + shownCode + " " + message.asText(""), null);
  }

  /** A request driftguard refused to send, or an answer it refused to follow. */
  static ArmException refused(String scope, String why) {
    return new ArmException(ArmGateway.REFUSED, "RequestRefused", scope + ": " + why, null);
  }

  /** Runs a call, turning its failures into {@link ArmException}s that say what was being done. */
  static <T> T call(String what, ArmCall<T> armCall) {
    try {
      return armCall.run();
    } catch (ArmException e) {
      throw e;
    } catch (ManagementException e) {
      String code = e.getValue() == null ? "HttpError" : e.getValue().getCode();
      String message = e.getValue() == null ? "" : e.getValue().getMessage();
      throw new ArmException(e.getResponse().getStatusCode(), code,
          what + ": " + Printable.abbreviate(code) + " " + Printable.abbreviate(message), e);
    } catch (HttpResponseException e) {
      if (e.getResponse() == null) {
        // No ARM answer at all: the credential could not get a token (ClientAuthenticationException and the like).
        throw new ArmException(0, "NoToken", what + ": no access token: " + firstLine(e.getMessage()), e);
      }
      int status = e.getResponse().getStatusCode();
      throw new ArmException(status, "Http" + status, what + ": HTTP " + status, e);
    } catch (RuntimeException e) {
      Optional<RefusedRequestException> refusal = Failures.causeOfType(e, RefusedRequestException.class);
      if (refusal.isPresent()) {
        throw refused(what, refusal.get().getMessage());
      }
      Optional<FailFastException> failFast = Failures.causeOfType(e, FailFastException.class);
      if (failFast.isPresent()) {
        throw new ArmException(0, "FailFast", what + ": " + failFast.get().getMessage(), e);
      }
      if (Failures.isTransportFailure(e)) {
        throw new ArmException(0, "NoResponse", what + ": no response (" + rootCause(e) + ")", e);
      }
      throw e;
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }
}
