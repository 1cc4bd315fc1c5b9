package dev.portcullis.scan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.TerminalText;
import dev.portcullis.policy.ExceptionFile;
import dev.portcullis.policy.Gate;
import dev.portcullis.policy.PolicyException;
import dev.portcullis.policy.Reason;
import dev.portcullis.policy.score.Category;
import dev.portcullis.policy.score.Factor;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReportJson;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The gate's decision as the table {@code gate} prints and as the decision document that {@code gate
 * --format json} prints and a verdict attestation signs.
 */
public final class DecisionWriter {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DecisionWriter() {}

  public static String text(Gate.Result r) {
    StringBuilder b = new StringBuilder();
    RiskReport after = r.after();
    b.append(r.decision().label().toUpperCase(Locale.ROOT)).append("  ").append(esc(after.image().name())).append(" at ").append(r.stage())
        .append(" (policy ").append(esc(r.policy().name())).append(")\n");
    b.append("image   ").append(esc(after.image().digest())).append('\n'); // a directory's path is the user's text
    b.append("score   ").append(after.score().value()).append("/100, grade ").append(after.score().grade());
    if (after.score().value() != r.before().score().value()) {
      b.append(" (").append(r.before().score().value()).append(" before exceptions)");
    }
    b.append(", stage minimum ").append(r.policy().stage(r.stage()).orElseThrow().minScore()).append('\n');
    for (Map.Entry<Category, Double> d : after.score().deductions().entrySet()) {
      b.append(String.format(Locale.ROOT, "  %-17s -%5.1f %%%n", d.getKey().label(), 100 * d.getValue()));
      for (Factor f : after.score().factors()) {
        if (f.category() == d.getKey() && f.ceiling() == null) {
          b.append(String.format(Locale.ROOT, "      %.4f  %s%s%n", f.weight(), esc(f.reason()), f.findings().isEmpty() ? "" : ": " + esc(String.join(", ", f.findings()))));
        }
      }
    }
    for (Factor f : after.score().factors()) {
      if (f.ceiling() != null) {
        b.append("  ceiling ").append(f.ceiling()).append(": ").append(esc(f.reason())).append(": ").append(esc(String.join(", ", f.findings()))).append('\n');
      }
    }
    if (!r.decision().reasons().isEmpty()) {
      b.append("reasons\n");
      for (Reason reason : r.decision().reasons()) {
        b.append("  ").append(reason.action().label()).append("  ").append(esc(reason.rule())).append(": ").append(esc(reason.message())).append('\n');
      }
    }
    for (Gate.Used u : r.used()) {
      PolicyException e = u.exception();
      b.append("excepted ").append(esc(e.name())).append(" (").append(esc(e.scope())).append("), until ").append(e.expires()).append(", owner ").append(esc(e.owner()))
          .append(", approved by ").append(esc(e.approver())).append(": ").append(esc(String.join(", ", u.findings()))).append('\n');
    }
    for (PolicyException e : r.expired()) {
      b.append("expired  ").append(esc(e.name())).append(" (").append(esc(e.scope())).append(") on ").append(e.expires()).append('\n');
    }
    for (ExceptionFile.Refused e : r.refused()) {
      b.append("refused  ").append(esc(e.name())).append(": ").append(esc(e.reason())).append('\n');
    }
    return b.toString();
  }

  /** Policy, exception and image texts come from other teams and the image: one escaped line each. */
  private static String esc(String s) {
    return TerminalText.escape(s);
  }

  public static ObjectNode document(Gate.Result r, Instant now, String toolVersion) {
    ObjectNode d = MAPPER.createObjectNode();
    RiskReport after = r.after();
    d.put("image", after.image().name());
    d.put("imageDigest", after.image().digest());
    d.put("stage", r.stage());
    d.put("decision", r.decision().label());
    d.put("score", after.score().value());
    d.put("grade", after.score().grade().name());
    d.put("scoreBeforeExceptions", r.before().score().value());
    ObjectNode score = RiskReportJson.score(after.score());
    d.set("deductions", score.get("deductions"));
    d.set("factors", score.get("factors"));
    ArrayNode fired = d.putArray("rulesFired");
    for (Reason reason : r.decision().reasons()) {
      fired.addObject().put("rule", reason.rule()).put("action", reason.action().label()).put("message", reason.message());
    }
    ArrayNode used = d.putArray("exceptionsUsed");
    for (Gate.Used u : r.used()) {
      ObjectNode e = exception(used.addObject(), u.exception());
      u.findings().forEach(e.putArray("findings")::add);
    }
    ArrayNode expired = d.putArray("exceptionsExpired");
    r.expired().forEach(e -> exception(expired.addObject(), e));
    ArrayNode refused = d.putArray("exceptionsRefused");
    r.refused().forEach(e -> refused.addObject().put("id", e.name()).put("reason", e.reason()));
    d.putObject("policy").put("name", r.policy().name()).put("digest", r.policy().digest());
    if (after.databaseBuilt() != null) {
      d.put("databaseBuilt", after.databaseBuilt().toString());
    } else {
      d.putNull("databaseBuilt");
    }
    d.put("toolVersion", toolVersion);
    d.put("time", now.toString());
    return d;
  }

  private static ObjectNode exception(ObjectNode n, PolicyException e) {
    return n.put("id", e.name()).put("scope", e.scope()).put("justification", e.justification()).put("owner", e.owner())
        .put("requester", e.requester()).put("approver", e.approver()).put("expires", e.expires().toString());
  }}
