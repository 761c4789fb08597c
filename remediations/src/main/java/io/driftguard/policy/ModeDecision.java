package io.driftguard.policy;

/** The mode in force for one control on one app, and the setting or tag it came from (for the audit trail). */
public record ModeDecision(Mode mode, String source) {}
