package dev.portcullis.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressesTest {
  /** RFC 5952 section 4's rules: lower case, no leading zeros, the longest (then first) zero run as ::, never one group. */
  @ParameterizedTest
  @CsvSource({
      "2001:DB8:0:0:0:0:0:7, 2001:db8::7",
      "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
      "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
      "0:0:0:0:0:0:0:1, ::1",
      "::, ::",
      "fe80:0:0:0:0:0:0:0, fe80::",
      "2001:db8:0:0:1:0:0:0, 2001:db8:0:0:1::",
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
      "10.89.0.3, 10.89.0.3",
  })
  void addressesHaveOneText(String given, String canonical) {
    assertThat(Addresses.canonical(given)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"api.shop", "10.0.0.256", "1.2.3", "::g", "", "localhost"})
  void aNameIsNeverLookedUp(String notAnAddress) {
    assertThatThrownBy(() -> Addresses.canonical(notAnAddress)).hasMessageEndingWith("is not an IP address");
  }

  @ParameterizedTest
  @CsvSource({"10.89.0.3, 10.89.0.3/32", "10.89.0.0/24, 10.89.0.0/24", "2001:db8::/32, 2001:db8::/32"})
  void blocks(String given, String canonical) {
    assertThat(Addresses.cidr(given)).isEqualTo(canonical);
  }
}
