/** Policies per stage, written in CEL over the risk report, with expiring, approved exceptions; the gate's decision. */
@NullMarked
package dev.portcullis.policy;

import org.jspecify.annotations.NullMarked;
