package io.driftguard.state;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftguard.state.ArmGateway.GraphAnswer;
import io.driftguard.text.Printable;
import java.io.IOException;
import java.net.URI;

/** Resource Graph's query endpoint, under the ARM endpoint: the same pipeline, pin and token serve it. */
final class ResourceGraphEndpoint {

  static final String RESOURCE_GRAPH_PATH = "/providers/Microsoft.ResourceGraph/resources";
  private static final String RESOURCE_GRAPH_API_VERSION = "2022-10-01";

  private final HttpPipeline pipeline;
  private final URI endpoint;
  private final ObjectMapper json = new ObjectMapper();

  ResourceGraphEndpoint(HttpPipeline pipeline, URI endpoint) {
    this.pipeline = pipeline;
    this.endpoint = endpoint;
  }

  /** Whether a request is a Resource Graph query: a read, though a POST, with its own quota instead of ARM's buckets. */
  static boolean isQuery(HttpRequest request) {
    return request.getHttpMethod() == HttpMethod.POST
        && RESOURCE_GRAPH_PATH.equalsIgnoreCase(request.getUrl().getPath());
  }

  /** POSTs one query ({@code {"subscriptions":..., "query":..., "options":...}}). */
  GraphAnswer query(ObjectNode request, CallBudget budget) {
    String scope = "the Resource Graph query";
    HttpRequest post = new HttpRequest(HttpMethod.POST,
        endpoint.resolve(RESOURCE_GRAPH_PATH.substring(1) + "?api-version=" + RESOURCE_GRAPH_API_VERSION).toString())
        .setHeader(HttpHeaderName.CONTENT_TYPE, "application/json")
        .setBody(request.toString());
    return ArmErrors.call(scope, () -> {
      try (HttpResponse response = pipeline.sendSync(post, budget.context())) {
        String body = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
        JsonNode answer = body.isBlank() ? json.createObjectNode() : json.readTree(body);
        if (response.getStatusCode() >= 400) {
          String code = answer.path("error").path("code").asText("Http" + response.getStatusCode());
          throw new ArmException(response.getStatusCode(), code, scope + ": " + Printable.abbreviate(code) + " "
              + Printable.abbreviate(answer.path("error").path("message").asText("")), null);
        }
        return new GraphAnswer(answer, response.getHeaders());
      } catch (IOException e) {
        throw new ArmException(200, "UnreadableResponse", scope + ": the answer is not JSON", e);
      }
    });
  }
}
