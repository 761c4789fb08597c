package io.driftguard.documents;

/** How ARM lets a document be changed. */
public enum WriteVerb {
  /** A sparse update: the body holds only the properties being fixed. */
  PATCH,
  /** A replacement, for documents ARM offers no PATCH for; only used where the fix body is the whole document. */
  PUT
}
