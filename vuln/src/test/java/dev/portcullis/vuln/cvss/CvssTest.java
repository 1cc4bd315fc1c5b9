package dev.portcullis.vuln.cvss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Severity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CvssTest {
  // Each score as NVD or FIRST publishes it for the named vulnerability or document example.
  @ParameterizedTest(name = "{0} = {1} ({3})")
  @CsvSource(delimiter = '|', value = {
      // CVSS v2.0 guide, section 3.3 examples, and NVD v2 scores
      "AV:N/AC:L/Au:N/C:N/I:N/A:C|7.8|HIGH|v2 guide 3.3.1, CVE-2002-0392",
      "AV:N/AC:L/Au:N/C:C/I:C/A:C|10.0|HIGH|v2 guide 3.3.2, CVE-2003-0818",
      "AV:L/AC:H/Au:N/C:C/I:C/A:C|6.2|MEDIUM|v2 guide 3.3.3, CVE-2003-0062",
      "AV:N/AC:L/Au:N/C:P/I:N/A:N|5.0|MEDIUM|NVD v2, CVE-2014-0160",
      "(AV:N/AC:M/Au:N/C:C/I:C/A:C)|9.3|HIGH|NVD v2, CVE-2021-44228",
      // CVSS v3.1 specification examples and NVD v3 scores
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N|6.1|MEDIUM|v3.1 examples, CVE-2013-1937",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N|7.5|HIGH|v3.1 examples, CVE-2014-0160",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H|9.8|CRITICAL|v3.1 examples, CVE-2014-6271",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H|10.0|CRITICAL|NVD, CVE-2021-44228",
      "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H|9.0|CRITICAL|NVD, CVE-2021-45046",
      "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H|7.8|HIGH|NVD, CVE-2021-4034",
      "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H|8.1|HIGH|NVD, CVE-2021-44832 (GHSA)",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L|5.3|MEDIUM|NVD, CVE-2020-28168",
      "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N|7.5|HIGH|v3.0 spec examples, CVE-2014-0160",
      "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N|5.9|MEDIUM|NVD v3.0, CVE-2016-2183",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N|0.0|NONE|no impact scores 0",
      // CVSS v4.0: FIRST calculator and specification examples
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N|9.3|CRITICAL|FIRST v4.0 calculator default",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H|10.0|CRITICAL|macro-vector 000000",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N|6.9|MEDIUM|FIRST v4.0 calculator",
      "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N|8.6|HIGH|CISA ICS advisory, CVE-2025-24479",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N|0.0|NONE|no impact scores 0",
  })
  void baseScoresMatchPublishedOnes(String vector, double score, Severity rating, String source) throws InvalidVectorException {
    Cvss cvss = Cvss.parse(vector);
    assertThat(cvss.baseScore()).as(source).isEqualTo(score);
    assertThat(cvss.rating()).isEqualTo(rating);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H|missing base metric A",
      "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H|metric AV cannot be X",
      "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H|metric AV given twice",
      "CVSS:9.9/AV:N|unknown CVSS version",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/ZZ:1|unknown metric ZZ",
      "AV:N/AC:L|missing base metric Au",
  })
  void malformedVectorsSayWhy(String vector, String reason) {
    assertThatThrownBy(() -> Cvss.parse(vector)).isInstanceOf(InvalidVectorException.class).hasMessageContaining(reason);
  }
}
