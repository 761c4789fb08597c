package io.driftguard.resource;

import java.util.Optional;

/**
 * What a written resource id points at: the site or slot, and the child that was written, if any
 * (for example {@code config/web}).
 */
public record ResourceTarget(SiteRef site, Optional<String> child) {}
