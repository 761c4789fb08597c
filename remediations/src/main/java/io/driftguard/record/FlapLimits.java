package io.driftguard.record;

import java.time.Duration;

/** A control fixed more than {@code maxFixes} times within {@code window} on one app stops being auto-fixed for {@code coolDown}. */
public record FlapLimits(int maxFixes, Duration window, Duration coolDown) {}
