package io.driftguard.state;

import com.azure.core.util.Context;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ARM requests made on behalf of one event, counted on the wire (every retry included) by
 * {@link ArmRequestCounter}, which finds this object in the SDK call's {@link Context}.
 */
public final class ArmUsage {

  static final String CONTEXT_KEY = "driftguard.arm-usage";

  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();

  public int reads() {
    return reads.get();
  }

  public int writes() {
    return writes.get();
  }

  void record(boolean read) {
    (read ? reads : writes).incrementAndGet();
  }

  Context context() {
    return new Context(CONTEXT_KEY, this);
  }
}
