package io.driftguard.record;

import java.time.OffsetDateTime;

/** One action driftguard took (or declined) on one control of one app, with the values before and after. */
public record AuditEntry(
    OffsetDateTime recordedAt,
    String eventId,
    String resourceId,
    String app,
    String rule,
    String action,
    String before,
    String after,
    String mode,
    String modeSource,
    String outcome,
    String actor,
    String actorIp,
    String correlationId,
    String detail) {}
