/**
 * Custom rules: checks written in CEL over typed views of an image config, a Dockerfile, a
 * Kubernetes object or a Compose service, loaded from a directory of YAML files.
 */
@NullMarked
package dev.portcullis.rules.custom;

import org.jspecify.annotations.NullMarked;
