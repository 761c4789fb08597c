package io.driftguard.engine;

import java.util.Optional;

/**
 * A step of a finding that goes into the findings table: the state it led to, and the finding as judged now (absent
 * when the step is a resolution: the control is compliant or the app is gone).
 */
public record Notice(FindingState state, Optional<Finding> finding) {}
