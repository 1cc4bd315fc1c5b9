package dev.portcullis.server.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DistributionErrorsTest {
  @Test
  void aDenialIsTheBodySkopeoPrints() {
    String body = new String(DistributionErrors.body("DENIED", "quarantined: key in layer 2 (score 23/100, policy prod)"),
        StandardCharsets.UTF_8);
    assertThat(body).isEqualTo(
        "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"quarantined: key in layer 2 (score 23/100, policy prod)\"}]}");
  }

  @Test
  void hostileMessagesStayOneJsonString() throws Exception {
    String hostile = "a\"b\\c\n}]},{\"code\":\"X\u0000\u2028";
    JsonNode parsed = new ObjectMapper().readTree(DistributionErrors.body("NAME_INVALID", hostile));
    assertThat(parsed.path("errors")).hasSize(1);
    assertThat(parsed.at("/errors/0/code").asText()).isEqualTo("NAME_INVALID");
    assertThat(parsed.at("/errors/0/message").asText()).isEqualTo(hostile);
  }
}
