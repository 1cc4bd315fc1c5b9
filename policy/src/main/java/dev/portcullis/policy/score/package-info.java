/** One explainable 0–100 risk score per image, and the saved report it is computed from. */
@NullMarked
package dev.portcullis.policy.score;

import org.jspecify.annotations.NullMarked;
