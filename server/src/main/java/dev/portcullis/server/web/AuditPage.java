package dev.portcullis.server.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /ui/audit?actor=&action=&target=&from=&to=}: the audit trail's records, filtered, with
 * whether the chain verifies.
 *
 * <p>Element ids: the filter form {@code audit-filter} (fields {@code audit-actor},
 * {@code audit-action}, {@code audit-target}, {@code audit-from}, {@code audit-to}), the status
 * {@code chain-status} (class {@code chain-ok}, {@code chain-broken} or {@code chain-unknown};
 * {@code data-verified-to} or {@code data-first-bad}), the table {@code audit-records} whose rows
 * carry {@code data-seq}, {@code data-action} and {@code data-outcome}.
 */
public final class AuditPage {
  public static final String PATH = "/ui/audit";
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private AuditPage() {}

  /**
   * One record of the trail.
   *
   * @param time epoch milliseconds
   * @param actor who, as the trail names them ({@code user:alice}, {@code token:…}, {@code actor:scanner})
   * @param source the address the call came from ("" inside the server)
   * @param outcome {@code success}, {@code denied}, {@code refused} or {@code failed}
   */
  public record Record(long seq, long time, String actor, String source, String action, String target, String outcome, String reason) {}

  /** Whether the chain verifies. */
  public sealed interface Chain permits Verified, Broken, Unknown {}

  /** Every record up to and including {@code upTo} verifies (and, if given, the last signed checkpoint covers {@code checkpoint}). */
  public record Verified(long upTo, @Nullable Long checkpoint) implements Chain {}

  /** The first record that does not verify, and why. */
  public record Broken(long firstBad, String why) implements Chain {}

  /** The chain was not verified, and why (e.g. the verification could not run). */
  public record Unknown(String why) implements Chain {}

  /**
   * The trail's filters as the query gives them.
   *
   * @param actor only records whose actor contains this ("" for any)
   * @param action only records whose action contains this ("" for any)
   * @param target only records whose target contains this ("" for any)
   * @param from only records at or after this time
   * @param to only records before this time
   */
  public record Filter(String actor, String action, String target, @Nullable Instant from, @Nullable Instant to) {
    public static final Filter NONE = new Filter("", "", "", null, null);

    public Filter {
      for (String s : List.of(actor, action, target)) {
        if (s.length() > 200) {
          throw new IllegalArgumentException("audit filter: longer than 200 characters");
        }
      }
      if (from != null && to != null && !from.isBefore(to)) {
        throw new IllegalArgumentException("audit filter: from " + from + " is not before to " + to);
      }
    }

    /**
     * Reads {@code actor}, {@code action}, {@code target}, {@code from} and {@code to}; a time is
     * an instant ({@code 2024-05-01T10:00:00Z}), a minute ({@code 2024-05-01T10:00}, as a browser's
     * date-time field sends it, UTC) or a day ({@code 2024-05-01}: from its start, or to its end).
     *
     * @throws IllegalArgumentException in one line, naming the parameter and the forms it accepts
     */
    public static Filter parse(Map<String, List<String>> params) {
      return new Filter(Query.text(params, "actor", 200), Query.text(params, "action", 200), Query.text(params, "target", 200),
          time(Query.text(params, "from", 40), "from", false), time(Query.text(params, "to", 40), "to", true));
    }

    private static @Nullable Instant time(String s, String name, boolean end) {
      if (s.isEmpty()) {
        return null;
      }
      try {
        if (s.length() == 10) {
          LocalDate d = LocalDate.parse(s);
          return (end ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        if (s.endsWith("Z")) {
          return Instant.parse(s);
        }
        return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("audit filter " + name + ": '" + s + "' is not a time (2024-05-01, 2024-05-01T10:00 or 2024-05-01T10:00:00Z)");
      }
    }

    public boolean matches(Record r) {
      return r.actor().contains(actor) && r.action().contains(action) && r.target().contains(target)
          && (from == null || r.time() >= from.toEpochMilli()) && (to == null || r.time() < to.toEpochMilli());
    }
  }

  /**
   * @param records the records to show, newest first (the caller applies the filter and the limit)
   * @param more whether there were more records than shown
   */
  public record View(List<Record> records, Filter filter, Chain chain, boolean more) {
    public View {
      records = List.copyOf(records);
    }
  }

  public static String render(ViewContext ctx, View view) {
    return Layout.page(ctx, "Audit trail", Layout.Section.AUDIT, 4096 + view.records().size() * 400, h -> {
      chain(h, view.chain());
      Filter f = view.filter();
      h.open("form", "method", "get", "action", PATH, "id", "audit-filter", "class", "filters");
      Forms.input(h, "Actor", "actor", "audit-actor", "search", f.actor(), 200, false);
      Forms.input(h, "Action", "action", "audit-action", "search", f.action(), 200, false);
      Forms.input(h, "Target", "target", "audit-target", "search", f.target(), 200, false);
      Forms.input(h, "From (UTC)", "from", "audit-from", "datetime-local", f.from() == null ? "" : LOCAL.format(f.from()), 40, false);
      Forms.input(h, "To (UTC)", "to", "audit-to", "datetime-local", f.to() == null ? "" : LOCAL.format(f.to()), 40, false);
      Forms.submit(h, "Filter", "audit-filter-submit", null);
      h.link(PATH, "Clear", "id", "audit-filter-clear");
      h.close("form");
      h.open("div", "class", "scroll");
      h.open("table", "id", "audit-records");
      h.open("thead").open("tr");
      for (String c : List.of("Seq", "Time", "Actor", "Source", "Action", "Target", "Outcome", "Reason")) {
        h.element("th", c, "scope", "col");
      }
      h.close("tr").close("thead").open("tbody");
      for (Record r : view.records()) {
        h.open("tr", "data-seq", String.valueOf(r.seq()), "data-action", r.action(), "data-outcome", r.outcome());
        h.element("td", String.valueOf(r.seq()), "class", "num");
        h.open("td").element("time", Format.seconds(r.time()), "datetime", Instant.ofEpochMilli(r.time()).toString()).close();
        h.element("td", r.actor());
        h.element("td", r.source());
        h.open("td").element("code", r.action()).close();
        h.element("td", r.target(), "class", "ids");
        h.open("td").element("span", r.outcome(), "class", "outcome outcome-" + r.outcome()).close();
        h.element("td", r.reason(), "class", "prose");
        h.close("tr");
      }
      h.close("tbody").close("table").close("div");
      if (view.records().isEmpty()) {
        h.element("p", "No record matches.", "class", "empty");
      }
      if (view.more()) {
        h.element("p", "More records match than are shown: narrow the filter, or export the trail (portcullis audit export).", "class",
            "meta", "id", "audit-more");
      }
    });
  }

  private static void chain(Html h, Chain chain) {
    switch (chain) {
      case Verified v -> {
        h.open("p", "id", "chain-status", "class", "chain chain-ok", "data-verified-to", String.valueOf(v.upTo()));
        h.text("The chain verifies up to record ").text(v.upTo());
        if (v.checkpoint() != null) {
          h.text("; the last signed checkpoint covers record ").text(v.checkpoint());
        }
        h.text(".").close();
      }
      case Broken b -> h.open("p", "id", "chain-status", "class", "chain chain-broken", "data-first-bad", String.valueOf(b.firstBad()), "role",
          "alert").text("The chain is broken at record ").text(b.firstBad()).text(": ").text(b.why()).close();
      case Unknown u -> h.open("p", "id", "chain-status", "class", "chain chain-unknown").text("The chain was not verified: ").text(u.why())
          .close();
    }
  }
}
