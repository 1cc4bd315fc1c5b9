/**
 * JUnit XML test reports (Maven Surefire and Failsafe {@code TEST-*.xml}) read as one test run, and
 * the in-toto {@code test-result} v0.1 predicate that attests it.
 */
@NullMarked
package dev.portcullis.sign.testresult;

import org.jspecify.annotations.NullMarked;
