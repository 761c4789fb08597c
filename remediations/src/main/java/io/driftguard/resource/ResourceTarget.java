package io.driftguard.resource;

import java.util.Optional;

/**
 * What a written resource id points at: the site or slot, and the child that was written, if any
 * (for example {@code config/web}). {@code relevant} tells whether a write to that child can change a controlled
 * setting.
 */
public record ResourceTarget(SiteRef site, Optional<String> child, boolean relevant) {}
