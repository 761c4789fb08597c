package io.driftguard.alert;

import java.net.URI;

/** Where alert rows go: the Logs Ingestion endpoint of a data collection endpoint, the DCR's immutable id, the stream. */
public record AlertTarget(URI endpoint, String ruleId, String stream) {}
