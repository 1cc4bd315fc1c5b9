/**
 * Whole-process benchmarks against the peers. {@code bench/run} times the commands; this package
 * turns its raw samples into the table of medians and ratios that {@code docs/BENCHMARKS.md} shows.
 */
@NullMarked
package dev.portcullis.bench;

import org.jspecify.annotations.NullMarked;
