package io.driftguard.state;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import reactor.core.publisher.Mono;

/** Counts each ARM request as it leaves (placed after the retry policy, so every attempt counts). */
final class ArmRequestCounter implements HttpPipelinePolicy {

  @Override
  public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    count(context);
    return next.process();
  }

  @Override
  public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
    count(context);
    return next.processSync();
  }

  private static void count(HttpPipelineCallContext context) {
    boolean read = context.getHttpRequest().getHttpMethod() == HttpMethod.GET
        || ResourceGraphEndpoint.isQuery(context.getHttpRequest());
    context.getData(CallBudget.CONTEXT_KEY).ifPresent(usage -> ((CallBudget) usage).record(read));
  }
}
