package io.driftguard.state;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpResponse;

/** Feeds every ARM try's outcome to the circuit breaker, and asks it before each try. */
final class CircuitBreakerPolicy extends ArmPolicy {

  private final CircuitBreaker breaker;

  CircuitBreakerPolicy(CircuitBreaker breaker) {
    this.breaker = breaker;
  }

  @Override
  void before(HttpPipelineCallContext context) {
    breaker.acquire();
  }

  @Override
  void after(HttpPipelineCallContext context, HttpResponse response) {
    int status = response.getStatusCode();
    if (status >= 500 && status != 501 && status != 505) {
      breaker.failed();
    } else {
      breaker.succeeded();
    }
  }

  @Override
  void failed(HttpPipelineCallContext context, Throwable error) {
    if (Failures.isTransportFailure(error)) {
      breaker.failed();
    } else {
      breaker.abandoned();
    }
  }
}
