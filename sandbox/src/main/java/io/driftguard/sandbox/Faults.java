package io.driftguard.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The faults injected into one fake endpoint. The first one that matches a request, in injection order, applies;
 * chaos is asked only when none does.
 */
final class Faults {
  private final List<FaultHandle> active = new CopyOnWriteArrayList<>();
  private final List<ChaosHandle> chaos = new CopyOnWriteArrayList<>();

  FaultHandle inject(Fault fault) {
    FaultHandle handle = new FaultHandle(fault, active);
    active.add(handle);
    return handle;
  }

  ChaosHandle inject(Chaos newChaos) {
    ChaosHandle handle = new ChaosHandle(newChaos, chaos);
    chaos.add(handle);
    return handle;
  }

  void clear() {
    active.clear();
    chaos.clear();
  }

  /**
   * Claims a use of the first matching fault (or of chaos) and waits its delay plus {@code latency}.
   *
   * @param errorAnswer the endpoint's answer for a fault's error status
   * @return the answer the fault forces ({@link ArmResponse#DROP_CONNECTION} and a forged body included), or null to
   *     answer normally, or {@link ArmResponse#LOSE_ANSWER} to handle normally and drop the answer
   */
  ArmResponse apply(String method, String path, Duration latency, Function<Fault, ArmResponse> errorAnswer) {
    Fault fault = claim(method, path);
    pause(fault == null ? latency : latency.plus(fault.delay()));
    if (fault == null) {
      return null;
    }
    if (fault.resetsConnection()) {
      return ArmResponse.DROP_CONNECTION;
    }
    if (fault.answer() != null) {
      return new ArmResponse(fault.answerStatus(), fault.answer(),
          fault.answerStatus() >= 300 ? Map.of("Location", path) : Map.of());
    }
    if (fault.losesAnswer()) {
      return ArmResponse.LOSE_ANSWER;
    }
    return fault.status() == 0 ? null : errorAnswer.apply(fault);
  }

  private Fault claim(String method, String path) {
    for (FaultHandle handle : active) {
      if (handle.tryApply(method, path)) {
        return handle.fault();
      }
    }
    for (ChaosHandle handle : chaos) {
      Fault fault = handle.claim(method, path);
      if (fault != null) {
        return fault;
      }
    }
    return null;
  }

  private static void pause(Duration duration) {
    if (duration.isZero()) {
      return;
    }
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
