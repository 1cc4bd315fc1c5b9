package dev.portcullis.catalog;

import dev.portcullis.core.Location;

/** A file a cataloger looked at and could not make sense of, and why: a gap in the catalog, reported. */
public record Unknown(Location location, String cataloger, String reason) {}
