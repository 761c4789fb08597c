package io.driftguard.sandbox;

import java.time.Instant;

/** The error an endpoint would answer for an injected fault's status, with the codes and messages it uses. */
final class FaultResponses {
  private FaultResponses() {}

  static ArmResponse of(Fault fault, ArmRoute route, String method, IssuedToken token) {
    String objectId = token == null ? "00000000-0000-0000-0000-000000000000" : token.caller().objectId();
    int status = fault.status();
    ArmResponse response = switch (status) {
      case 403 -> ArmResponse.error(403, "AuthorizationFailed", "The client '" + objectId + "' with object id '"
          + objectId + "' does not have authorization to perform action '" + route.action(method)
          + "' over scope '" + route.resourceId() + "' or the scope is invalid. If access was recently "
          + "granted, please refresh your credentials.");
      case 404 -> route.site() != null
          ? ArmResponse.resourceNotFound(route.site())
          : ArmResponse.error(404, "NotFound", "The resource '" + route.resourceId() + "' was not found.");
      case 429 -> ArmResponse.throttled(ArmThrottling.Kind.of(method), route.subscriptionId(), objectId,
          Math.max(fault.retryAfterSeconds(), 0));
      case 500 -> ArmResponse.error(500, "InternalServerError",
          "Encountered internal server error. Diagnostic information: timestamp '" + Instant.now() + "'.");
      case 503 -> ArmResponse.error(503, "ServiceUnavailable",
          "The server is currently unable to handle the request. Please retry your request.");
      case 409 -> ArmResponse.error(409, "Conflict",
          "Cannot modify this site because another operation is in progress.");
      case 504 -> ArmResponse.error(504, "GatewayTimeout",
          "The gateway did not receive a response from 'Microsoft.Web' within the specified time period.");
      default -> ArmResponse.error(status, status < 500 ? "BadRequest" : "InternalServerError",
          "The request failed with status " + status + " (a sandbox fault).");
    };
    return withRetryAfter(fault, response);
  }

  static ArmResponse ofLogsIngestion(Fault fault) {
    int status = fault.status();
    ArmResponse response = switch (status) {
      case 429 -> ArmResponse.error(429, "TooManyRequests", "The request rate exceeds the limits of the data "
          + "collection endpoint. Retry after the time given in the Retry-After header.");
      case 503 -> ArmResponse.error(503, "ServiceUnavailable",
          "The service is temporarily unavailable. Please retry your request.");
      default -> ArmResponse.error(status, status < 500 ? "BadRequest" : "InternalServerError",
          "The request failed with status " + status + " (a sandbox fault).");
    };
    return withRetryAfter(fault, response);
  }

  private static ArmResponse withRetryAfter(Fault fault, ArmResponse response) {
    return fault.retryAfterSeconds() < 0
        ? response
        : response.withHeader("Retry-After", Integer.toString(fault.retryAfterSeconds()));
  }
}
