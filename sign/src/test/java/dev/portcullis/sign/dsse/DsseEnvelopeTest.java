package dev.portcullis.sign.dsse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.sign.key.Signer;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.PrivateKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DsseEnvelopeTest {
  static Signer signer() {
    return LocalSigner.of(PrivateKeys.generateP256().getPrivate());
  }

  @Test
  void paeIsTheSpecsExample() {
    // the DSSE protocol document's worked example
    assertThat(new String(DsseEnvelope.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
        .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  }

  @Test
  void signsThePaeNotThePayloadAndRoundTrips() throws Exception {
    Signer a = signer();
    Signer b = signer();
    Statement st = new Statement(List.of(new Statement.Subject("127.0.0.1:5000/app", Digest.sha256(new byte[] {1}))), "https://example.com/p/v1",
        SignedJson.MAPPER.createObjectNode().put("score", 81));
    DsseEnvelope env = DsseEnvelope.sign(DsseEnvelope.IN_TOTO, st.toBytes(), a);
    DsseEnvelope back = DsseEnvelope.parse(env.toBytes());
    assertThat(back.signedBy(a.publicKey())).isTrue();
    assertThat(back.signedBy(b.publicKey())).isFalse();
    assertThat(PublicKeys.verify(a.publicKey(), back.payload(), back.signatures().get(0).sig())).isFalse();
    assertThat(back.signedAlsoBy(b).signedBy(b.publicKey())).isTrue();
    Statement read = Statement.parse(back.payload());
    assertThat(read.covers(Digest.sha256(new byte[] {1}))).isTrue();
    assertThat(read.covers(Digest.sha256(new byte[] {2}))).isFalse();
    assertThat(read.predicate().get("score").asInt()).isEqualTo(81);
    DsseEnvelope otherType = new DsseEnvelope("text/plain", back.payload(), back.signatures());
    assertThat(otherType.signedBy(a.publicKey())).isFalse();
  }

  @Test
  void malformedEnvelopesSayWhichField() {
    assertThatThrownBy(() -> DsseEnvelope.parse("{\"payloadType\":\"x\",\"payload\":\"!!\",\"signatures\":[]}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("DSSE envelope: field 'payload' is not base64");
    assertThatThrownBy(() -> DsseEnvelope.parse("{\"payloadType\":\"x\",\"payload\":\"eA==\",\"signatures\":[]}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("DSSE envelope: no signatures");
    assertThatThrownBy(() -> DsseEnvelope.parse("{\"payloadType\":\"x\",\"payload\":\"eA==\",\"payload\":\"eQ==\",\"signatures\":[]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FormatException.class).hasMessageStartingWith("DSSE envelope: not JSON");
    assertThatThrownBy(() -> DsseEnvelope.parse("{\"payloadType\":\"x\",\"payl".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FormatException.class).hasMessageStartingWith("DSSE envelope: not JSON");
  }
}
