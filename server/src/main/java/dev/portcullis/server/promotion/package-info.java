/**
 * Promotion of an image from one registry repository to another through a stage's gate: the
 * manifest (an index with every child), config and blobs are copied with the same digest, every
 * cosign signature and attestation comes along and is verified again at the destination, a signed
 * promotion attestation is added, and the destination tag is written last. The gate's decision is
 * the caller's; {@link dev.portcullis.server.promotion.Promoter} only acts on it.
 */
@NullMarked
package dev.portcullis.server.promotion;

import org.jspecify.annotations.NullMarked;
