package io.driftguard.state;

import com.azure.core.util.Context;
import io.driftguard.time.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one event may spend on ARM and has spent: a deadline, so a delivery ends well inside Event Grid's 30 s window,
 * and the requests counted on the wire (every retry included). The pipeline's policies find it in the SDK call's
 * {@link Context}.
 */
public final class CallBudget {

  static final String CONTEXT_KEY = "driftguard.call-budget";
  /**
   * azure-core's key (its generated clients set it for every answer they deserialize) for reading an answer whole as
   * it arrives, the connection free again at once, instead of handing it over as a stream; every ARM answer driftguard
   * reads is a small JSON document read whole anyway. (The JDK client also ran each read of such a stream on another
   * thread, to time it.)
   */
  private static final String EAGERLY_READ_RESPONSE = "azure-eagerly-read-response";

  private final Ticker ticker;
  private final long deadlineNanos;
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();

  public CallBudget(Duration allowed, Ticker ticker) {
    this.ticker = ticker;
    this.deadlineNanos = ticker.nanos() + allowed.toNanos();
  }

  /** The ticker the deadline is measured on. */
  public Ticker ticker() {
    return ticker;
  }

  public int reads() {
    return reads.get();
  }

  public int writes() {
    return writes.get();
  }

  /** Time left before the deadline; zero or negative once it has passed. */
  public Duration remaining() {
    return Duration.ofNanos(deadlineNanos - ticker.nanos());
  }

  void record(boolean read) {
    (read ? reads : writes).incrementAndGet();
  }

  Context context() {
    return new Context(CONTEXT_KEY, this).addData(EAGERLY_READ_RESPONSE, true);
  }

  static CallBudget of(com.azure.core.http.HttpPipelineCallContext context) {
    return context.getData(CONTEXT_KEY).map(CallBudget.class::cast)
        .orElseThrow(() -> new IllegalStateException("an ARM call without a call budget"));
  }
}
