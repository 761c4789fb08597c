package io.driftguard.sandbox;

/**
 * The token buckets of ARM's throttling, per subscription and principal: a request takes a token from the bucket of
 * its kind, which holds at most the capacity and refills continuously. Deletes have their own bucket with the write
 * limits, as in Azure. Immutable: {@code ArmThrottle.azureDefaults().scaled(0.02)} for a test that wants small buckets.
 *
 * @param readCapacity          tokens of the read (GET) bucket, full at the principal's first request
 * @param readRefillPerSecond   tokens added back to it per second
 * @param writeCapacity         tokens of the write (PUT, PATCH, POST) and of the delete bucket
 * @param writeRefillPerSecond  tokens added back to them per second
 */
public record ArmThrottle(
    int readCapacity, double readRefillPerSecond, int writeCapacity, double writeRefillPerSecond) {

  /** No throttling: the only value with zeros. */
  public static final ArmThrottle OFF = new ArmThrottle(0, 0, 0, 0);

  public ArmThrottle {
    boolean off = readCapacity == 0 && readRefillPerSecond == 0 && writeCapacity == 0 && writeRefillPerSecond == 0;
    if (!off && (readCapacity < 1 || writeCapacity < 1 || !(readRefillPerSecond > 0)
        || !(writeRefillPerSecond > 0) || Double.isInfinite(readRefillPerSecond + writeRefillPerSecond))) {
      throw new IllegalArgumentException("capacities must be positive and refills positive and finite, or all "
          + "zero for OFF: " + readCapacity + ", " + readRefillPerSecond + "/s, " + writeCapacity + ", "
          + writeRefillPerSecond + "/s");
    }
  }

  /** Azure's limits: reads 250 refilling 25/s, writes (and deletes) 200 refilling 10/s. */
  public static ArmThrottle azureDefaults() {
    return new ArmThrottle(250, 25, 200, 10);
  }

  /** Every limit times {@code factor}; capacities are rounded and at least 1. OFF stays OFF. */
  public ArmThrottle scaled(double factor) {
    if (!(factor > 0)) {
      throw new IllegalArgumentException("factor must be positive: " + factor);
    }
    return isOff() ? OFF : new ArmThrottle(scale(readCapacity, factor), readRefillPerSecond * factor,
        scale(writeCapacity, factor), writeRefillPerSecond * factor);
  }

  public boolean isOff() {
    return readCapacity == 0; // the constructor allows 0 only for OFF
  }

  private static int scale(int capacity, double factor) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(capacity * factor)));
  }
}
