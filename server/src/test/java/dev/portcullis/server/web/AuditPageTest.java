package dev.portcullis.server.web;

import static dev.portcullis.server.web.Pages.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.server.auth.Role;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditPageTest {
  private static List<AuditPage.Record> records(String text) {
    return List.of(new AuditPage.Record(2, 1_714_521_700_000L, text + "actor", text + "source", text + "action", text + "target", text + "outcome",
            text + "reason"),
        new AuditPage.Record(1, 1_714_521_600_000L, "user:alice", "127.0.0.1", "login", "", "success", ""));
  }

  private static Map<String, List<String>> query(String... nameValues) {
    Map<String, List<String>> m = new HashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.put(nameValues[i], List.of(nameValues[i + 1]));
    }
    return m;
  }

  @Test
  void hostileTextInRecordsFiltersAndTheVerificationStaysText() {
    AuditPage.Filter filter = new AuditPage.Filter(HOSTILE + "f-actor", HOSTILE + "f-action", HOSTILE + "f-target", null, null);
    String html = AuditPage.render(Pages.as(Role.AUDITOR), new AuditPage.View(records(HOSTILE), filter, new AuditPage.Broken(2, HOSTILE + "why"),
        true));
    Pages.onlyEscaped(html);
    Document doc = Pages.parse(html);
    Pages.formsCarryCsrf(doc);
    for (String field : List.of("actor", "source", "action", "target", "outcome", "reason", "why")) {
      Pages.shows(doc, HOSTILE + field);
    }
    assertThat(doc.select("#audit-actor").val()).isEqualTo(HOSTILE + "f-actor");
    assertThat(doc.select("#audit-action").val()).isEqualTo(HOSTILE + "f-action");
    assertThat(doc.select("#audit-target").val()).isEqualTo(HOSTILE + "f-target");
  }

  @Test
  void theRecordsAndTheChainsStatus() {
    Document doc = Pages.parse(AuditPage.render(Pages.as(Role.AUDITOR), new AuditPage.View(records("x"), AuditPage.Filter.NONE,
        new AuditPage.Verified(2, 1L), false)));
    assertThat(doc.select("#audit-records tbody tr").eachAttr("data-seq")).containsExactly("2", "1");
    assertThat(doc.select("#audit-records tr[data-seq=1] td").stream().map(Element::text).toList()).containsExactly("1", "2024-05-01 00:00:00Z", "user:alice",
        "127.0.0.1", "login", "", "success", "");
    assertThat(doc.select("#chain-status").hasClass("chain-ok")).isTrue();
    assertThat(doc.select("#chain-status").attr("data-verified-to")).isEqualTo("2");
    assertThat(doc.select("#chain-status").text()).isEqualTo("The chain verifies up to record 2; the last signed checkpoint covers record 1.");
    assertThat(doc.select("#audit-more")).isEmpty();
    assertThat(doc.select("#nav-audit").attr("aria-current")).isEqualTo("page");
  }

  @Test
  void aBrokenChainNamesTheFirstBadRecord() {
    Document doc = Pages.parse(AuditPage.render(Pages.as(Role.AUDITOR), new AuditPage.View(List.of(), AuditPage.Filter.NONE,
        new AuditPage.Broken(7, "its hash does not match the previous record's"), true)));
    assertThat(doc.select("#chain-status").hasClass("chain-broken")).isTrue();
    assertThat(doc.select("#chain-status").attr("data-first-bad")).isEqualTo("7");
    assertThat(doc.select("#chain-status").text()).isEqualTo("The chain is broken at record 7: its hash does not match the previous record's");
    assertThat(doc.select("#audit-more")).hasSize(1);
    Document unknown = Pages.parse(AuditPage.render(Pages.as(Role.AUDITOR), new AuditPage.View(List.of(), AuditPage.Filter.NONE,
        new AuditPage.Unknown("the database did not answer"), false)));
    assertThat(unknown.select("#chain-status").hasClass("chain-unknown")).isTrue();
  }

  @Test
  void filtersParseDaysMinutesAndInstants() {
    AuditPage.Filter f = AuditPage.Filter.parse(query("actor", "user:alice", "from", "2024-05-01", "to", "2024-05-01"));
    assertThat(f.from()).isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
    assertThat(f.to()).isEqualTo(Instant.parse("2024-05-02T00:00:00Z"));
    assertThat(AuditPage.Filter.parse(query("from", "2024-05-01T10:30")).from()).isEqualTo(Instant.parse("2024-05-01T10:30:00Z"));
    assertThat(AuditPage.Filter.parse(query("to", "2024-05-01T10:30:05Z")).to()).isEqualTo(Instant.parse("2024-05-01T10:30:05Z"));
    assertThat(f.matches(records("x").get(1))).isTrue();
    assertThat(f.matches(records("x").get(0))).isFalse();
    Document doc = Pages.parse(AuditPage.render(Pages.as(Role.AUDITOR), new AuditPage.View(List.of(), f, new AuditPage.Verified(0, null), false)));
    assertThat(doc.select("#audit-from").val()).isEqualTo("2024-05-01T00:00");
    assertThat(doc.select("#audit-to").val()).isEqualTo("2024-05-02T00:00");
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "2024-13-01", "' OR 1=1 --", "2024-05-01T25:00"})
  void aBadTimeIsRefusedNamingTheForms(String time) {
    assertThatThrownBy(() -> AuditPage.Filter.parse(query("from", time))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit filter from: '" + time + "' is not a time (2024-05-01, 2024-05-01T10:00 or 2024-05-01T10:00:00Z)");
  }

  @Test
  void fromMustBeBeforeTo() {
    assertThatThrownBy(() -> AuditPage.Filter.parse(query("from", "2024-05-02", "to", "2024-05-01"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("audit filter: from 2024-05-02T00:00:00Z is not before to");
  }

  @Test
  void sqlMetacharactersInTextFiltersAreJustText() {
    AuditPage.Filter f = AuditPage.Filter.parse(query("actor", "'; DROP TABLE audit; --", "target", "%_\\"));
    assertThat(f.actor()).isEqualTo("'; DROP TABLE audit; --");
    assertThat(f.matches(records("x").get(1))).isFalse();
  }
}
