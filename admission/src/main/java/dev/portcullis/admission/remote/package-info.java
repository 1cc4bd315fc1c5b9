/**
 * Image facts over HTTP: the JSON a Portcullis server answers on {@code GET
 * /v1/admission/facts?image=REF} ({@link dev.portcullis.admission.remote.FactsJson}) and the
 * client that reads it within a decision's deadline ({@link
 * dev.portcullis.admission.remote.ServerEvidence}).
 */
@NullMarked
package dev.portcullis.admission.remote;

import org.jspecify.annotations.NullMarked;
