package io.driftguard.state;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A step of driftguard's HTTP pipelines (ARM, and the endpoint pin of the others): something to do before each request
 * leaves and after its answer (or failure) comes back. The same hooks serve the SDK's sync and async paths (its
 * long-running-operation poller is async).
 */
abstract class ArmPolicy implements HttpPipelinePolicy {

  /** Before the request leaves; may block (a rate limit wait) or throw {@link FailFastException}. */
  abstract void before(HttpPipelineCallContext context);

  /** After an answer arrived; may throw {@link FailFastException}. */
  void after(HttpPipelineCallContext context, HttpResponse response) {}

  /** After no answer arrived (timeout, reset). */
  void failed(HttpPipelineCallContext context, Throwable error) {}

  @Override
  public final HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
    before(context);
    HttpResponse response;
    try {
      response = next.processSync();
    } catch (RuntimeException e) {
      failed(context, e);
      throw e;
    }
    after(context, response);
    return response;
  }

  /**
   * Subscribed on a pool that may block: the SDK can start an async request (a list's next page) on the thread that
   * delivered the previous answer, one of the HTTP client's own threads, where a rate-limit wait would stall the other
   * exchanges that thread serves.
   */
  @Override
  public final Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
    return Mono.defer(() -> {
      before(context);
      return next.process();
    }).subscribeOn(Schedulers.boundedElastic())
        .doOnError(error -> failed(context, error)).doOnNext(response -> after(context, response));
  }
}
