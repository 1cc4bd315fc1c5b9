package dev.portcullis.sign;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  // an in-toto predicate is whatever JSON its type says: Jackson's tree is the value the signer and verifier pass on
  private static final String PREDICATE = "an in-toto predicate is arbitrary JSON, passed on as Jackson's tree";
  // SignedJson is the one strict reader of signed JSON (duplicate keys refused, bounded), shared with cli's attest
  private static final String SIGNED_JSON = "the one strict, bounded reader and writer of signed JSON, which cli's attest also reads predicates with";

  @Test
  void signKeepsTheSharedArchitectureRules() {
    String jsonNode = "com.fasterxml.jackson.databind.JsonNode";
    String signedJson = "dev.portcullis.sign.dsse.SignedJson.";
    Architecture.of(ImageSigner.class)
        .allowExposure("dev.portcullis.sign.ImageSigner.attest(dev.portcullis.core.ImageRef, java.lang.String, " + jsonNode
            + ", dev.portcullis.sign.key.Signer)", PREDICATE)
        .allowExposure("dev.portcullis.sign.PredicateTypes.time(java.lang.String, " + jsonNode + ")", PREDICATE)
        .allowExposure("dev.portcullis.sign.testresult.TestRun.predicate(java.util.Optional, java.time.Instant)", PREDICATE)
        .allowExposure("dev.portcullis.sign.testresult.Outcome.of(" + jsonNode + ")", PREDICATE)
        .allowExposure("dev.portcullis.sign.dsse.Statement.<init>(java.util.List, java.lang.String, " + jsonNode + ")", PREDICATE)
        .allowExposure("dev.portcullis.sign.dsse.Statement.predicate()", PREDICATE)
        .allowExposure("dev.portcullis.sign.dsse.DsseEnvelope.fromJson(" + jsonNode + ")", SIGNED_JSON)
        .allowExposure("dev.portcullis.sign.dsse.DsseEnvelope.toJson()", SIGNED_JSON)
        .allowExposure(signedJson + "MAPPER", SIGNED_JSON)
        .allowExposure(signedJson + "base64(" + jsonNode + ", java.lang.String, java.lang.String)", SIGNED_JSON)
        .allowExposure(signedJson + "child(" + jsonNode + ", java.lang.String, java.lang.String)", SIGNED_JSON)
        .allowExposure(signedJson + "object([B, java.lang.String)", SIGNED_JSON)
        .allowExposure(signedJson + "text(" + jsonNode + ", java.lang.String, java.lang.String)", SIGNED_JSON)
        .allowExposure(signedJson + "write(" + jsonNode + ")", SIGNED_JSON)
        .check();
  }
}
