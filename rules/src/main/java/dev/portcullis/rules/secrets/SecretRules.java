package dev.portcullis.rules.secrets;

import static dev.portcullis.core.Reference.cwe;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Severity;
import dev.portcullis.rules.Redaction;
import dev.portcullis.rules.content.Text;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/** The kinds of secret Portcullis knows, listed once; each becomes one {@code PCS-SECRET} check. */
public final class SecretRules {
  private SecretRules() {}

  private static final Set<Text.Kind> EVERYWHERE = EnumSet.of(Text.Kind.FILE, Text.Kind.ENV, Text.Kind.LABEL, Text.Kind.ENTRYPOINT, Text.Kind.CMD, Text.Kind.HISTORY);
  private static final Set<Text.Kind> FILES = EnumSet.of(Text.Kind.FILE);
  private static final Predicate<String> ANY_PATH = p -> true;
  private static final BiPredicate<Text, MatchResult> ANY_MATCH = (t, m) -> true;
  /** Before and after a token: not a character a token could continue with. */
  private static final String B = "(?<![A-Za-z0-9_])";
  private static final String E = "(?![A-Za-z0-9_])";

  private static final String ROTATE = "Revoke the credential at its issuer now (it has shipped and must be treated as public), issue a new one, and provide it at run time from a secret store or a mounted file; rebuild the image without it.";

  private static final class Spec {
    final String id;
    final Severity severity;
    final String title;
    final String what;
    List<String> keywords = List.of();
    String regex = "";
    int group = 1;
    boolean multiline;
    Set<Text.Kind> kinds = EVERYWHERE;
    Predicate<String> paths = ANY_PATH;
    BiPredicate<Text, MatchResult> accept = ANY_MATCH;
    int rank;

    Spec(String id, Severity severity, String title, String what) {
      this.id = id;
      this.severity = severity;
      this.title = title;
      this.what = what;
    }

    Spec keywords(String... k) {
      keywords = List.of(k);
      return this;
    }

    Spec regex(String r) {
      regex = r;
      return this;
    }

    Spec group(int g) {
      group = g;
      return this;
    }

    Spec multiline() {
      multiline = true;
      return this;
    }

    Spec files(Predicate<String> p) {
      kinds = FILES;
      paths = p;
      return this;
    }

    /** Which file paths are searched, the other kinds of text still searched too. */
    Spec paths(Predicate<String> p) {
      paths = p;
      return this;
    }

    Spec accept(Predicate<MatchResult> a) {
      accept = (t, m) -> a.test(m);
      return this;
    }

    Spec acceptIn(BiPredicate<Text, MatchResult> a) {
      accept = a;
      return this;
    }

    Spec rank(int r) {
      rank = r;
      return this;
    }

    SecretRule build() {
      CheckInfo info = new CheckInfo(id, severity, title,
          what + " Anyone who can pull the image or read the file can use it: image layers, configs and build history are copied to every registry, cache and host that holds the image, and deleting the file in a later layer does not remove it.",
          ROTATE, List.of(cwe(798)));
      return new SecretRule(info, keywords, Pattern.compile(regex, multiline ? Pattern.DOTALL : 0), group, multiline, kinds, paths, accept, rank);
    }
  }

  private static Spec rule(String id, Severity severity, String title, String what) {
    return new Spec(id, severity, title, what);
  }

  private static Predicate<MatchResult> secret(Predicate<String> p, int group) {
    return m -> p.test(m.group(group));
  }

  private static Predicate<String> named(String... names) {
    return path -> {
      String file = path.substring(path.lastIndexOf('/') + 1);
      for (String n : names) {
        if (file.equals(n)) {
          return true;
        }
      }
      return false;
    };
  }

  // patterns compiled once: String.matches and replaceAll compile theirs at every call
  private static final Pattern BASE64_TEXT = Pattern.compile("[A-Za-z0-9+/=\\s]+");
  private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x21-\\x7e]+");
  private static final Pattern SPACE = Pattern.compile("\\s");
  private static final Pattern IDENTIFIER_PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+");
  private static final Pattern STOP_WORDS = Pattern.compile(
      "(?i).*(changeme|change[_-]me|change[_-]?it|placeholder|example|redacted|replace[_-]?me|your[_-]|dummy|sample|secret[_-]?here|password[_-]?here|fixme|todo|x{4,}|\\*{3,}|\\.{3}|\\$\\{|\\{\\{|%\\(|\\$\\(|<[^>]*>).*");

  /** Whether a value is worth reporting as a password: no placeholder, reference or expression, and varied enough characters. */
  static boolean plausiblePassword(String value, double minEntropy) {
    String v = value.strip();
    if (!Redaction.isLiteralValue(v) || STOP_WORDS.matcher(v).matches() || IDENTIFIER_PATH.matcher(v).matches()) {
      return false;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if (lower.equals("password") || lower.equals("secret") || lower.equals("passwd") || lower.startsWith("$") || lower.startsWith("%")) {
      return false;
    }
    return Entropy.bitsPerChar(v) >= minEntropy;
  }

  /** The least Shannon entropy, in bits per character, of a value the generic assignment rule reports: more than 11 varied characters. */
  static final double GENERIC_MIN_ENTROPY = 3.5;
  /** The same for a value of hex digits only, an alphabet of 16 whose most is 4 bits per character. */
  static final double GENERIC_MIN_HEX_ENTROPY = 3.0;
  /** The least entropy of the password in a connection URL, shorter as a rule than a generated key. */
  static final double URL_PASSWORD_MIN_ENTROPY = 3.0;

  private static final Pattern PLACEHOLDER = Pattern.compile("(?i).*(changeme|change[_-]?it|placeholder|example|redacted|replace[_-]?me|your[_-]|dummy|sample"
      + "|fixme|todo|insert[_-]?here|abcdef|123456|qwerty|x{4,}|\\*{3,}|\\.{3}|(?-i:(.)\\2{5,})|\\$\\{|\\{\\{|%\\(|(?-i:%[sd])|\\$\\(|<[^>]*>"
      + "|\\{[a-z_][a-z0-9_.]*\\}|@[a-z_]+@|__[a-z_]+__).*");
  /** A value that names a credential ({@code AWS_SECRET_ACCESS_KEY}, {@code resumeTokenChanged}) is the name of one, not one. */
  private static final Pattern NAMES_A_CREDENTIAL = Pattern.compile("(?i).*(passw(or)?d|passwd|secret|token|credential|api[_-]?key|private[_-]?key|auth[_-]?key).*");
  /** Two or more words in camel, snake, kebab or dotted case, letters only: an identifier, an event or an enum constant. */
  private static final Pattern WORDS = Pattern.compile(
      "(?:[A-Z]?[a-z]{2,}|[A-Z]{2,}(?![a-z]))(?:[_.\\-]?(?:[A-Z]?[a-z]{2,}|[A-Z]{2,}(?![a-z])))+[0-9]{0,3}");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F\\-]+");
  /** A number, a date or a version, a file path or a URL: never the secret itself. */
  private static final Pattern NOT_A_VALUE = Pattern.compile("[0-9.,:+\\-]+|[0-9]{4}-[0-9]{2}-[0-9]{2}.*|(?-i:(?:/[a-z0-9_.\\-]+){2,}/?)|(?:\\./|\\.\\./|~/).*|[a-z][a-z0-9+.\\-]*://.*");
  /**
   * Names holding something other than a credential although they contain a credential word: a file, a URL, a length or
   * a date of one, or a token that is a cursor or an idempotency key ({@code NextToken}, {@code ClientRequestToken}).
   */
  private static final Pattern NOT_A_CREDENTIAL = Pattern.compile("(?i).*(?:file|path|dir|url|uri|host|endpoint|length|ttl|name|user(?:name)?|id|type"
      + "|enabled|expiry|expires|expiration|timeout|header|date|time|last[_.\\-]?used|count|policy|format|prefix|suffix|pattern|regexp?|label|field"
      + "|version|algorithm|method|mode|hint|hash|digest|arn|(?:request|idempotency|continuation|pagination|page|next|cancellation|resume|creation"
      + "|sync|action|input|output|start|end|marker|csrf|lifecycle|session[_.\\-]?id)[_.\\-]?tokens?)");

  /**
   * Whether a value a generic rule matched is worth reporting: a literal of printable ASCII without whitespace or
   * escapes, no placeholder, reference, identifier, number, date, path or URL, not naming a credential itself, and at
   * least {@code minEntropy} bits per character (hex values at most {@link #GENERIC_MIN_HEX_ENTROPY}).
   */
  static boolean plausibleValue(String value, double minEntropy) {
    if (!PRINTABLE_ASCII.matcher(value).matches() || !Redaction.isLiteralValue(value) || PLACEHOLDER.matcher(value).matches()
        || NAMES_A_CREDENTIAL.matcher(value).matches() || WORDS.matcher(value).matches() || IDENTIFIER_PATH.matcher(value).matches()
        || NOT_A_VALUE.matcher(value).matches() || value.startsWith("$") || value.startsWith("%")) {
      return false;
    }
    double floor = HEX.matcher(value).matches() ? Math.min(minEntropy, GENERIC_MIN_HEX_ENTROPY) : minEntropy;
    return Entropy.bitsPerChar(value) >= floor;
  }

  /** Whether a setting of this name holds a credential: a credential word, and no word saying it holds something else. */
  static boolean credentialName(String name) {
    return Redaction.isSecretName(name) && !NOT_A_CREDENTIAL.matcher(name).matches();
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1);
  }

  private static final Set<String> CONFIG_EXTENSIONS = Set.of("env", "properties", "ini", "cfg", "conf", "cnf", "yaml", "yml", "toml", "sh", "bash",
      "zsh", "envrc");
  private static final Set<String> CONFIG_NAMES = Set.of("dockerfile", "containerfile", "credentials", "environment", ".bash_history", ".zsh_history",
      ".sh_history", ".bashrc", ".zshrc", ".profile", ".bash_profile", ".pypirc", ".npmrc", ".envrc");

  /**
   * Whether a file's syntax makes an unquoted value a literal: .env, properties, INI, YAML, TOML and shell files,
   * Dockerfiles and the shell settings of /etc/default and /etc/sysconfig. In code an unquoted value is an identifier,
   * an expression, a call or a type.
   */
  static boolean configFile(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return name.startsWith(".env") || CONFIG_EXTENSIONS.contains(extension(name)) || CONFIG_NAMES.contains(name) || name.startsWith("dockerfile")
        || path.contains("/etc/default/") || path.contains("/etc/sysconfig/");
  }

  private static final Pattern DOCUMENTATION = Pattern.compile(
      "(?i)(?:.*/)?(?:usr/share/(?:doc|man|info)/.*|[^/]*\\.(?:md|markdown|mdx|rst|adoc|asciidoc)|(?:.*[/._\\-])?(?:examples?|samples?)(?:[/._\\-].*)?)");

  /**
   * Which files the generic rules (a credential-named assignment, a connection or HTTP URL with a password) search: not source
   * maps and type declarations, which hold names and types, never a deployed value; not documentation and examples,
   * whose credentials are there to be copied and replaced (the format rules still read them); not lintian overrides.
   */
  static boolean genericPath(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return !name.endsWith(".map") && !name.endsWith(".d.ts") && !name.endsWith(".d.mts") && !name.endsWith(".d.cts")
        && !DOCUMENTATION.matcher(path).matches() && !path.contains("usr/share/lintian/overrides/");
  }

  /** The value a generic assignment matched: double-quoted, single-quoted, or unquoted. */
  private static String assignedValue(MatchResult m) {
    return m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
  }

  private static boolean notExample(String v) {
    return !v.toUpperCase(Locale.ROOT).contains("EXAMPLE");
  }

  private static byte[] base64(String s, boolean url) {
    String t = SPACE.matcher(s).replaceAll("");
    try {
      return url ? Base64.getUrlDecoder().decode(t.replace("=", "")) : Base64.getMimeDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  /** Whether a PEM private key body (with its headers) is encrypted: a legacy DEK header, PKCS#8 encrypted, or an OpenSSH key with a cipher. */
  static boolean encryptedKey(String label, String body) {
    if (label.startsWith("ENCRYPTED") || body.contains("ENCRYPTED")) {
      return true;
    }
    if (label.startsWith("OPENSSH")) {
      byte[] b = base64(body, false);
      // openssh-key-v1\0, then a uint32 length and the cipher name
      int at = "openssh-key-v1".length() + 1;
      if (b.length > at + 4) {
        int len = ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
        if (len > 0 && len < 64 && b.length >= at + 4 + len) {
          return !new String(b, at + 4, len, StandardCharsets.US_ASCII).equals("none");
        }
      }
    }
    return false;
  }

  private static boolean keyBody(String body) {
    String b64 = body.lines().filter(l -> !l.contains(":")).reduce("", String::concat).strip();
    return b64.length() >= 64 && BASE64_TEXT.matcher(b64).matches();
  }

  private static boolean jwt(String token) {
    String header = new String(base64(token.substring(0, token.indexOf('.')), true), StandardCharsets.UTF_8);
    return header.startsWith("{") && header.contains("\"alg\"");
  }

  private static boolean dockerAuth(String value) {
    String decoded = new String(base64(value, false), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    return colon > 0 && colon < decoded.length() - 1;
  }

  private static final String PEM = "-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----\\r?\\n((?:[A-Za-z0-9+/=:,\\- ]*\\r?\\n){1,1000}?)-----END \\1-----";


  /** A value assigned to a setting whose name starts with {@code service} and names a token, key or secret. */
  private static String assigned(String service, String value) {
    return "(?i)" + service + "[a-z0-9_.\\-]{0,24}?(?:token|key|secret|pat|auth)[a-z0-9_.\\-]{0,16}[\"']?\\s*(?:=>|:=|=|:)\\s*[\"'`]?(" + value + ")(?![A-Za-z0-9_\\-])";
  }

  private static final Predicate<MatchResult> VARIED = secret(v -> Entropy.bitsPerChar(v) >= 3.0, 1);
  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private static boolean kubeconfig(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return path.endsWith(".kube/config") || name.contains("kubeconfig") || name.endsWith(".kubeconfig");
  }

  /** Cloud, CI, chat, payment, mail and developer-platform tokens with a telling format or name. */
  private static List<Spec> providers() {
    List<Spec> s = new ArrayList<>();
    s.add(rule("PCS-SECRET-045", Severity.CRITICAL, "Azure AD client secret", "A Microsoft Entra ID (Azure AD) application client secret signs in as the application and gets every permission granted to it.")
        .keywords("q~").regex("(?<![A-Za-z0-9_~.\\-])([A-Za-z0-9_~.\\-]{3}[0-9]Q~[A-Za-z0-9_~.\\-]{31,34})(?![A-Za-z0-9_~.\\-])").accept(VARIED));
    s.add(rule("PCS-SECRET-046", Severity.HIGH, "Alibaba Cloud AccessKey ID", "An Alibaba Cloud AccessKey ID names a RAM credential; its secret is rarely far away.")
        .keywords("ltai").regex(B + "(LTAI[A-Za-z0-9]{20})" + E).accept(VARIED));
    s.add(rule("PCS-SECRET-047", Severity.CRITICAL, "IBM Cloud API key", "An IBM Cloud API key logs in to the IAM of its account as its user or service ID.")
        .keywords("ibm").regex(assigned("ibm", "[A-Za-z0-9_\\-]{44}")).accept(VARIED));
    s.add(rule("PCS-SECRET-048", Severity.HIGH, "Heroku API key", "A Heroku API key controls its user's apps: config vars (and the secrets in them), deploys and add-ons.")
        .keywords("heroku", "hrku-").regex(B + "(HRKU-AA[A-Za-z0-9_\\-]{58})(?![A-Za-z0-9_\\-])|" + assigned("heroku", UUID)));
    s.add(rule("PCS-SECRET-049", Severity.HIGH, "Netlify access token", "A Netlify personal access token deploys and reconfigures its user's sites.")
        .keywords("nfp_").regex(B + "(nfp_[A-Za-z0-9]{36})" + E));
    s.add(rule("PCS-SECRET-050", Severity.HIGH, "Vercel access token", "A Vercel token deploys, reads environment variables of and deletes its scope's projects.")
        .keywords("vercel").regex(assigned("vercel", "[A-Za-z0-9]{24}")).accept(VARIED));
    s.add(rule("PCS-SECRET-051", Severity.HIGH, "CircleCI token", "A CircleCI personal or project API token triggers pipelines and reads their environment variables and artifacts.")
        .keywords("ccipat_", "cciprj_").regex(B + "(CCI(?:PAT|PRJ)_[A-Za-z0-9]{22}_[a-f0-9]{40})" + E));
    s.add(rule("PCS-SECRET-052", Severity.HIGH, "Travis CI token", "A Travis CI API token triggers builds and reads the settings of its user's repositories.")
        .keywords("travis").regex(assigned("travis", "[A-Za-z0-9_\\-]{22}")).accept(VARIED));
    s.add(rule("PCS-SECRET-053", Severity.HIGH, "Jenkins API token", "A Jenkins API token calls the controller's API as its user: run jobs, read credentials bindings, change configuration.")
        .keywords("jenkins").regex(assigned("jenkins", "11[0-9a-f]{32}|[0-9a-f]{32}")).accept(VARIED));
    s.add(rule("PCS-SECRET-054", Severity.HIGH, "Buildkite API token", "A Buildkite API access token manages pipelines and builds of its organisations.")
        .keywords("bkua_").regex(B + "(bkua_[a-f0-9]{40})" + E));
    s.add(rule("PCS-SECRET-055", Severity.HIGH, "Atlassian API token", "An Atlassian API token signs in to Jira, Confluence and Bitbucket Cloud as its user.")
        .keywords("atatt3").regex(B + "(ATATT3[A-Za-z0-9_\\-=]{150,250})(?![A-Za-z0-9_\\-=])"));
    s.add(rule("PCS-SECRET-056", Severity.HIGH, "Twilio API key", "A Twilio API key (with its secret) sends SMS and places calls billed to the account.")
        .keywords("sk").regex(B + "(SK[0-9a-f]{32})" + E).accept(VARIED));
    s.add(rule("PCS-SECRET-057", Severity.HIGH, "Mailchimp API key", "A Mailchimp API key reads audiences and sends campaigns of its account.")
        .keywords("-us").regex(B + "([0-9a-f]{32}-us[0-9]{1,2})" + E).accept(VARIED));
    s.add(rule("PCS-SECRET-058", Severity.HIGH, "Postmark server token", "A Postmark server or account token sends mail from the account's verified senders.")
        .keywords("postmark").regex(assigned("postmark", UUID)));
    s.add(rule("PCS-SECRET-059", Severity.CRITICAL, "Square access token or secret", "A Square access token or OAuth secret takes payments and reads the merchant's customers.")
        .keywords("eaaa", "sq0csp-", "sq0atp-").regex(B + "(EAAA[A-Za-z0-9_\\-]{60}|sq0csp-[A-Za-z0-9_\\-]{43}|sq0atp-[A-Za-z0-9_\\-]{22})(?![A-Za-z0-9_\\-])").accept(VARIED));
    s.add(rule("PCS-SECRET-060", Severity.CRITICAL, "PayPal Braintree access token", "A Braintree production access token charges cards and issues refunds for the merchant.")
        .keywords("access_token$production$").regex("(access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32})" + E));
    s.add(rule("PCS-SECRET-061", Severity.CRITICAL, "Adyen API key", "An Adyen API key makes payments and modifications on its merchant account.")
        .keywords("aqe").regex(B + "(AQE[A-Za-z0-9+/=_.\\-]{100,250})(?![A-Za-z0-9+/=_.\\-])").accept(secret(v -> Entropy.bitsPerChar(v) >= 4.0, 1)));
    s.add(rule("PCS-SECRET-062", Severity.CRITICAL, "Okta API token", "An Okta API token acts as the administrator who made it on the organisation's users, groups and applications.")
        .keywords("okta").regex(assigned("okta", "00[A-Za-z0-9_\\-]{40}")).accept(VARIED));
    s.add(rule("PCS-SECRET-063", Severity.HIGH, "Auth0 client secret", "An Auth0 client secret lets anyone mint tokens as the application, and for a management client, change the tenant.")
        .keywords("auth0").regex(assigned("auth0", "[A-Za-z0-9_\\-]{64}")).accept(VARIED));
    s.add(rule("PCS-SECRET-064", Severity.HIGH, "Sentry auth token", "A Sentry auth token reads issues (with their captured request data) and manages the organisation's projects.")
        .keywords("sntrys_", "sntryu_").regex(B + "(sntrys_eyJ[A-Za-z0-9+/=_\\-]{60,}|sntryu_[a-f0-9]{64})(?![A-Za-z0-9+/=_\\-])"));
    s.add(rule("PCS-SECRET-065", Severity.LOW, "Sentry DSN", "A Sentry DSN lets anyone send events to the project, which costs quota and floods it; keep it in configuration, not in images that others pull.")
        .keywords("sentry.io").regex("(https://[0-9a-f]{32}@[a-z0-9.\\-]*sentry\\.io/[0-9]+)"));
    s.add(rule("PCS-SECRET-066", Severity.HIGH, "New Relic key", "A New Relic user API key queries and changes the account; an ingest or browser key writes data into it.")
        .keywords("nrak-", "nrii-", "nrjs-").regex(B + "(NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_\\-]{32}|NRJS-[a-f0-9]{19})" + E));
    s.add(rule("PCS-SECRET-067", Severity.HIGH, "Datadog API or application key", "A Datadog API key sends data to the organisation; an application key with it reads dashboards, logs and monitors.")
        .keywords("datadog", "dd_api", "dd_app", "dd-api", "dd-app")
        .regex("(?i)(?:datadog|dd)[a-z0-9_.\\-]{0,16}?(?:api|app|application)[_\\-]?key[\"']?\\s*(?:=>|:=|=|:)\\s*[\"']?([0-9a-f]{40}|[0-9a-f]{32})(?![0-9a-z])")
        .accept(VARIED));
    s.add(rule("PCS-SECRET-068", Severity.HIGH, "Grafana token", "A Grafana Cloud access policy token or service account token reads and writes the stack's dashboards and data sources.")
        .keywords("glc_", "glsa_").regex(B + "(glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?![A-Za-z0-9+/=_])"));
    s.add(rule("PCS-SECRET-069", Severity.HIGH, "Linear API key", "A Linear API key reads and changes its user's issues and projects.")
        .keywords("lin_api_").regex(B + "(lin_api_[A-Za-z0-9]{40})" + E));
    s.add(rule("PCS-SECRET-070", Severity.HIGH, "Notion integration token", "A Notion integration token reads and edits every page shared with the integration.")
        .keywords("ntn_", "secret_").regex(B + "(ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})" + E).accept(VARIED));
    s.add(rule("PCS-SECRET-071", Severity.HIGH, "Figma access token", "A Figma personal access token reads its user's files and comments.")
        .keywords("figd_").regex(B + "(figd_[A-Za-z0-9_\\-]{40})(?![A-Za-z0-9_\\-])"));
    s.add(rule("PCS-SECRET-072", Severity.HIGH, "Dropbox access token", "A Dropbox access token reads and writes its user's or team's files.")
        .keywords("sl.").regex(B + "(sl\\.(?:u\\.)?[A-Za-z0-9_\\-]{130,})(?![A-Za-z0-9_\\-])").accept(VARIED));
    s.add(rule("PCS-SECRET-073", Severity.HIGH, "Asana access token", "An Asana personal access token acts as its user in every workspace they belong to.")
        .keywords("asana").regex("(?i)asana.{0,40}?(?<![0-9])([0-9]{1,2}/[0-9]{10,20}(?:/[0-9]{10,20})?:[0-9a-f]{32})(?![0-9a-f])"));
    s.add(rule("PCS-SECRET-074", Severity.MEDIUM, "Twitch API token", "A Twitch OAuth token or client secret acts as the channel or application it was issued to.")
        .keywords("twitch").regex(assigned("twitch", "[a-z0-9]{30}")).accept(VARIED));
    s.add(rule("PCS-SECRET-075", Severity.CRITICAL, "Terraform Cloud API token", "A Terraform Cloud or Enterprise token runs plans and applies, and reads state with every secret it holds.")
        .keywords(".atlasv1.").regex(B + "([A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_\\-=]{60,70})(?![A-Za-z0-9_\\-=])"));
    s.add(rule("PCS-SECRET-076", Severity.CRITICAL, "Pulumi access token", "A Pulumi access token updates stacks and decrypts their secrets.")
        .keywords("pul-").regex(B + "(pul-[a-f0-9]{40})" + E));
    s.add(rule("PCS-SECRET-077", Severity.CRITICAL, "AWS session token", "An AWS session token, with its key pair, acts as the assumed role until it expires.")
        .keywords("aws_session_token", "aws-session-token").regex("(?i)aws[_\\-]session[_\\-]token[\"']?\\s*(?:=>|:=|=|:)\\s*[\"']?([A-Za-z0-9/+=]{100,})").accept(VARIED));
    s.add(rule("PCS-SECRET-078", Severity.CRITICAL, "Bearer token in a kubeconfig", "A user token in a kubeconfig calls the cluster's API as that user or service account.")
        .keywords("token:").files(SecretRules::kubeconfig).regex("(?m)^\\s*token:\\s*[\"']?([A-Za-z0-9_.\\-]{20,})").accept(VARIED).rank(1));
    s.add(rule("PCS-SECRET-079", Severity.CRITICAL, "1Password service account token", "A 1Password service account token reads the items of every vault the account was granted.")
        .keywords("ops_eyj").regex(B + "(ops_eyJ[A-Za-z0-9+/=_\\-]{100,})(?![A-Za-z0-9+/=_\\-])"));
    s.add(rule("PCS-SECRET-080", Severity.HIGH, "Groq API key", "A Groq API key is billed to its organisation.")
        .keywords("gsk_").regex(B + "(gsk_[A-Za-z0-9]{52})" + E));
    s.add(rule("PCS-SECRET-081", Severity.HIGH, "Password in an HTTP URL", "An http(s) URL with user and password logs in to its host for anyone who reads it: a Git remote, a package index, an API.")
        .keywords("http://", "https://").paths(SecretRules::genericPath).regex("(?i)https?://[^:/\\s@\"'<>]+:([^@\\s/\"'<>]+)@[A-Za-z0-9.\\-]+")
        .accept(secret(v -> plausibleValue(v, URL_PASSWORD_MIN_ENTROPY), 1)).rank(1));
    s.add(rule("PCS-SECRET-082", Severity.HIGH, "Mapbox secret token", "A Mapbox secret token manages the account's styles, tilesets and tokens.")
        .keywords("sk.eyj").regex(B + "(sk\\.eyJ[A-Za-z0-9_\\-]{50,}\\.[A-Za-z0-9_\\-]{20,})(?![A-Za-z0-9_\\-.])"));
    s.add(rule("PCS-SECRET-083", Severity.HIGH, "Postman API key", "A Postman API key reads and changes its user's collections, environments (often full of credentials) and monitors.")
        .keywords("pmak-").regex(B + "(PMAK-[a-f0-9]{24}-[a-f0-9]{34})" + E));
    s.add(rule("PCS-SECRET-084", Severity.HIGH, "Brevo (Sendinblue) API key", "A Brevo API key sends mail and SMS and exports the account's contacts.")
        .keywords("xkeysib-").regex(B + "(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})" + E));
    s.add(rule("PCS-SECRET-085", Severity.CRITICAL, "PlanetScale token or password", "A PlanetScale service token or database password reads and writes its databases.")
        .keywords("pscale_").regex(B + "(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_\\-.]{32,64})(?![A-Za-z0-9_\\-.])"));
    s.add(rule("PCS-SECRET-086", Severity.HIGH, "Fly.io access token", "A Fly.io token deploys and reads secrets of its organisation's apps.")
        .keywords("fo1_").regex(B + "(fo1_[A-Za-z0-9_\\-]{43})(?![A-Za-z0-9_\\-])"));
    return s;
  }

  public static List<SecretRule> all() {
    List<Spec> s = new ArrayList<>();
    s.add(rule("PCS-SECRET-001", Severity.HIGH, "AWS access key ID", "An AWS access key ID names an IAM credential; it is found with its secret key more often than not.")
        .keywords("akia", "asia", "abia", "acca").regex(B + "((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})" + E).accept(secret(SecretRules::notExample, 1)));
    s.add(rule("PCS-SECRET-002", Severity.CRITICAL, "AWS secret access key", "An AWS secret access key signs API requests as its IAM user or role.")
        .keywords("aws").regex("(?i)aws[a-z0-9_.\\-]{0,20}?(?:secret|sk)[a-z0-9_.\\-]{0,20}[\"']?\\s*(?:=>|:=|=|:)\\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")
        .accept(secret(v -> notExample(v) && Entropy.bitsPerChar(v) >= 3.5, 1)));
    s.add(rule("PCS-SECRET-003", Severity.CRITICAL, "GitHub personal access token", "A classic GitHub personal access token acts as its user on every repository and organisation its scopes reach.")
        .keywords("ghp_").regex(B + "(ghp_[A-Za-z0-9]{36})" + E));
    s.add(rule("PCS-SECRET-004", Severity.CRITICAL, "GitHub OAuth access token", "A GitHub OAuth access token acts as the user who authorised the OAuth app.")
        .keywords("gho_").regex(B + "(gho_[A-Za-z0-9]{36})" + E));
    s.add(rule("PCS-SECRET-005", Severity.CRITICAL, "GitHub App token", "A GitHub App user-to-server or installation token acts as the app on the repositories it is installed on.")
        .keywords("ghu_", "ghs_").regex(B + "(gh[us]_[A-Za-z0-9]{36})" + E));
    s.add(rule("PCS-SECRET-006", Severity.CRITICAL, "GitHub refresh token", "A GitHub refresh token mints new user access tokens for a GitHub App.")
        .keywords("ghr_").regex(B + "(ghr_[A-Za-z0-9]{36,76})" + E));
    s.add(rule("PCS-SECRET-007", Severity.CRITICAL, "GitHub fine-grained personal access token", "A fine-grained GitHub token acts as its user on the repositories it was granted.")
        .keywords("github_pat_").regex(B + "(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})" + E));
    s.add(rule("PCS-SECRET-008", Severity.CRITICAL, "GitLab personal access token", "A GitLab personal, project or group access token acts on the GitLab API and Git repositories.")
        .keywords("glpat-").regex(B + "(glpat-[A-Za-z0-9_\\-]{20,})" + E));
    s.add(rule("PCS-SECRET-009", Severity.HIGH, "GitLab runner, deploy or trigger token", "GitLab runner, deploy, pipeline-trigger and feed tokens register runners, pull code and packages, or start pipelines.")
        .keywords("glrt-", "gldt-", "glptt-", "glft-", "glcbt-", "glimt-", "glagent-", "gr1348941")
        .regex(B + "((?:glrt|gldt|glptt|glft|glcbt|glimt|glagent)-[A-Za-z0-9_\\-]{20,}|GR1348941[A-Za-z0-9_\\-]{20,})" + E));
    s.add(rule("PCS-SECRET-010", Severity.HIGH, "Slack token", "A Slack bot, user, workspace or configuration token reads and posts in the workspace that issued it.")
        .keywords("xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxr-", "xoxs-", "xoxe-").regex(B + "(xox[abeoprs]-[0-9]{6,}-[A-Za-z0-9\\-]{10,250})" + E));
    s.add(rule("PCS-SECRET-011", Severity.HIGH, "Slack app-level token", "A Slack app-level token connects to the workspace as the app (Socket Mode, events).")
        .keywords("xapp-").regex(B + "(xapp-[0-9]-[A-Z0-9]{8,}-[0-9]{8,}-[a-z0-9]{32,})" + E));
    s.add(rule("PCS-SECRET-012", Severity.MEDIUM, "Slack incoming webhook", "A Slack webhook URL posts messages into its channel without any other credential.")
        .keywords("hooks.slack.com").regex("(https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\\-]{20,})"));
    s.add(rule("PCS-SECRET-013", Severity.CRITICAL, "Stripe live secret key", "A Stripe live secret or restricted key moves real money: charges, refunds and payouts.")
        .keywords("sk_live_", "rk_live_").regex(B + "((?:sk|rk)_live_[A-Za-z0-9]{20,247})" + E));
    s.add(rule("PCS-SECRET-014", Severity.LOW, "Stripe test secret key", "A Stripe test-mode key reaches the account's test data only, but names the account and often sits next to the live key.")
        .keywords("sk_test_", "rk_test_").regex(B + "((?:sk|rk)_test_[A-Za-z0-9]{20,247})" + E));
    s.add(rule("PCS-SECRET-015", Severity.HIGH, "Google API key", "A Google API key is billed to its project and opens every API the project enabled that it is not restricted from.")
        .keywords("aiza").regex(B + "(AIza[A-Za-z0-9_\\-]{35})(?![A-Za-z0-9_\\-])"));
    s.add(rule("PCS-SECRET-016", Severity.CRITICAL, "Google Cloud service account key", "A service account key file holds the account's private key: whoever has it is the service account until the key is deleted.")
        .keywords("service_account").multiline().files(ANY_PATH)
        .regex("\"type\"\\s*:\\s*\"service_account\".{0,4000}?\"private_key\"\\s*:\\s*\"(-----BEGIN [^\"]{64,}?)\"|\"private_key\"\\s*:\\s*\"(-----BEGIN [^\"]{64,}?)\".{0,4000}?\"type\"\\s*:\\s*\"service_account\"")
        .group(1));
    s.add(rule("PCS-SECRET-017", Severity.CRITICAL, "Private key", "An unencrypted private key (PKCS#1, SEC 1, PKCS#8 or OpenSSH) is all it takes to act as its owner: decrypt, sign, log in over SSH or serve TLS.")
        .keywords("private key-----").multiline().regex(PEM).group(2)
        .accept(m -> !encryptedKey(m.group(1), m.group(2)) && keyBody(m.group(2))));
    s.add(rule("PCS-SECRET-018", Severity.MEDIUM, "Encrypted private key", "An encrypted private key still invites an offline attack on its passphrase, which often sits nearby.")
        .keywords("private key-----").multiline().regex(PEM).group(2)
        .accept(m -> encryptedKey(m.group(1), m.group(2)) && keyBody(m.group(2))));
    s.add(rule("PCS-SECRET-019", Severity.HIGH, "PGP private key block", "An exported PGP secret key signs and decrypts as its owner, protected at most by its passphrase.")
        .keywords("pgp private key block").multiline()
        .regex("-----BEGIN PGP PRIVATE KEY BLOCK-----\\r?\\n((?:[A-Za-z0-9+/=:,.\\- ]*\\r?\\n){1,2000}?)-----END PGP PRIVATE KEY BLOCK-----")
        .accept(m -> keyBody(m.group(1))));
    s.add(rule("PCS-SECRET-020", Severity.MEDIUM, "JSON Web Token", "A signed JWT is a bearer credential: until it expires, whoever presents it is its subject.")
        .keywords("eyj").regex(B + "(eyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{16,})(?![A-Za-z0-9_\\-.])")
        .accept(secret(SecretRules::jwt, 1)));
    s.add(rule("PCS-SECRET-021", Severity.CRITICAL, "npm access token", "An npm access token publishes packages as its user: a supply-chain attack on everyone who installs them.")
        .keywords("npm_").regex(B + "(npm_[A-Za-z0-9]{36})" + E));
    s.add(rule("PCS-SECRET-022", Severity.HIGH, "npm registry credential in .npmrc", "An _auth or _authToken entry logs in to the npm registry it names.")
        .keywords("_auth").files(ANY_PATH)
        // an .npmrc entry (alone, after the registry's "//host/:" or as npm_config__auth), not a variable ending in _auth
        .regex("(?i)(?:^|[:\\s]|npm_config_)_auth(?:token)?\\s*=\\s*[\"']?([^\\s\"']{8,})")
        .accept(secret(v -> plausiblePassword(v, 2.5), 1)).rank(1));
    s.add(rule("PCS-SECRET-023", Severity.CRITICAL, "PyPI API token", "A PyPI API token uploads releases of its user's or project's packages.")
        .keywords("pypi-ageichlwas5vcmc").regex(B + "(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50,})" + E));
    s.add(rule("PCS-SECRET-024", Severity.HIGH, "Password in .pypirc", "A password in .pypirc uploads packages to the index it names.")
        .keywords("password").files(named(".pypirc")).regex("(?i)^\\s*password\\s*[:=]\\s*(\\S+)")
        .accept(secret(v -> plausiblePassword(v, 2.0), 1)).rank(1));
    s.add(rule("PCS-SECRET-025", Severity.CRITICAL, "Registry credentials in a Docker config.json", "An auths entry with auth holds a registry user name and password (base64 is an encoding, not a protection): push and pull as that user.")
        .keywords("\"auths\"").multiline().files(ANY_PATH).regex("\"auth\"\\s*:\\s*\"([A-Za-z0-9+/]{6,}={0,2})\"")
        .accept(secret(SecretRules::dockerAuth, 1)));
    s.add(rule("PCS-SECRET-026", Severity.HIGH, "Password in .netrc", "A .netrc password logs in to its machine for curl, git, ftp and anything else that reads the file.")
        .keywords("password").files(named(".netrc", "_netrc")).regex("(?:^|\\s)password\\s+(\\S+)")
        .accept(secret(v -> plausiblePassword(v, 1.5), 1)));
    s.add(rule("PCS-SECRET-027", Severity.HIGH, "Credentials in .git-credentials", "git's credential store keeps passwords and tokens for Git hosts in clear text.")
        .keywords("://").files(named(".git-credentials")).regex("[a-z][a-z0-9+.\\-]*://[^:/\\s@]*:([^@\\s/]+)@")
        .accept(secret(v -> Redaction.isLiteralValue(v), 1)));
    s.add(rule("PCS-SECRET-028", Severity.HIGH, "Database or service URL with a password", "A connection URL with user and password logs in to its database, cache, broker or directory.")
        .keywords("postgres", "mysql", "mariadb", "mongodb", "redis", "amqp", "mssql", "sqlserver", "ldap", "ftp", "oracle", "clickhouse", "cockroachdb")
        .paths(SecretRules::genericPath)
        .regex("(?i)" + B + "(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver|ldaps?|ftps?|oracle|clickhouse|cockroachdb)(?:\\+[a-z0-9]+)?://[^:/\\s@\"']*:([^@\\s/\"']+)@[^\\s\"'/]+")
        .accept(secret(v -> plausibleValue(v, URL_PASSWORD_MIN_ENTROPY), 1)));
    s.add(rule("PCS-SECRET-029", Severity.MEDIUM, "Password or key assigned in a file", "A credential-named setting (password, secret, token, api_key) holds a literal, varied value rather than a reference to a secret store: a quoted string, or an unquoted value where the file's syntax makes it one (.env, properties, INI, YAML, TOML, shell).")
        .keywords("password", "passwd", "pwd", "secret", "api_key", "api-key", "apikey", "token", "access_key", "access-key", "auth_key", "private_key")
        .files(SecretRules::genericPath)
        // group 1 the name; 2 or 3 a quoted value (Python's b, r and u prefixes allowed); 4 an unquoted one ending its line
        .regex("(?i)(?<![A-Za-z0-9])([A-Za-z0-9_.\\-]{0,40}(?:passw(?:or)?d|passwd|pwd|secret|api[_\\-]?key|token|access[_\\-]?key|auth[_\\-]?key|private[_\\-]?key)[A-Za-z0-9_.\\-]{0,40})"
            + "[\"']?\\s*(?::=|=>|=|:)\\s*(?:[bru]{0,2}(?:\"([^\"\\s\\\\]{8,200}+)\"|'([^'\\s\\\\]{8,200}+)')|([^\\s\"'`\\\\(){}\\[\\]<>]{8,200}+)(?=\\s*(?:$|#)))")
        .group(2).acceptIn((t, m) -> credentialName(m.group(1)) && (m.group(4) == null || configFile(t.path()))
            && plausibleValue(assignedValue(m), GENERIC_MIN_ENTROPY)).rank(2));
    s.add(rule("PCS-SECRET-030", Severity.HIGH, "SendGrid API key", "A SendGrid API key sends mail as its account, the raw material of phishing from a trusted domain.")
        .keywords("sg.").regex(B + "(SG\\.[A-Za-z0-9_\\-]{22}\\.[A-Za-z0-9_\\-]{43})" + E));
    s.add(rule("PCS-SECRET-031", Severity.HIGH, "Shopify access token", "A Shopify access token or shared secret acts on the shop's admin API.")
        .keywords("shpat_", "shpca_", "shppa_", "shpss_").regex(B + "(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})" + E));
    s.add(rule("PCS-SECRET-032", Severity.HIGH, "Hugging Face access token", "A Hugging Face token reads, and with write scope replaces, its user's models and datasets.")
        .keywords("hf_").regex(B + "(hf_[A-Za-z]{34})" + E));
    s.add(rule("PCS-SECRET-033", Severity.CRITICAL, "DigitalOcean token", "A DigitalOcean personal access, OAuth or refresh token controls the team's droplets, volumes and keys.")
        .keywords("dop_v1_", "doo_v1_", "dor_v1_").regex(B + "(do[opr]_v1_[a-f0-9]{64})" + E));
    s.add(rule("PCS-SECRET-034", Severity.HIGH, "Anthropic API key", "An Anthropic API key is billed to its organisation.")
        .keywords("sk-ant-").regex(B + "(sk-ant-(?:api03|admin01)-[A-Za-z0-9_\\-]{80,120})(?![A-Za-z0-9_\\-])"));
    s.add(rule("PCS-SECRET-035", Severity.HIGH, "OpenAI API key", "An OpenAI API key is billed to its organisation and reads its files and assistants.")
        .keywords("t3blbkfj").regex(B + "(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\\-]{20,}T3BlbkFJ[A-Za-z0-9_\\-]{20,})(?![A-Za-z0-9_\\-])"));
    s.add(rule("PCS-SECRET-036", Severity.HIGH, "Mailgun API key", "A Mailgun private API key sends mail and reads logs for its domains.")
        .keywords("key-").regex(B + "(key-[0-9a-f]{32})" + E));
    s.add(rule("PCS-SECRET-037", Severity.CRITICAL, "Azure storage account key", "An Azure storage account key has full control of every container, queue and table of the account.")
        .keywords("accountkey=").regex("(?i)AccountKey=([A-Za-z0-9+/]{86}==)"));
    s.add(rule("PCS-SECRET-038", Severity.CRITICAL, "Kubernetes client key in a kubeconfig", "A kubeconfig with client-key-data logs in to its cluster as that client certificate's user.")
        .keywords("client-key-data").regex("client-key-data:\\s*[\"']?([A-Za-z0-9+/]{40,}={0,2})"));
    s.add(rule("PCS-SECRET-039", Severity.HIGH, "age secret key", "An age secret key decrypts every file encrypted to its recipient.")
        .keywords("age-secret-key-1").regex(B + "(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})" + E));
    s.add(rule("PCS-SECRET-040", Severity.MEDIUM, "Telegram bot token", "A Telegram bot token controls the bot: reads its messages and posts as it.")
        .keywords(":aa").regex(B + "([0-9]{8,10}:AA[A-Za-z0-9_\\-]{33})(?![A-Za-z0-9_\\-])"));
    s.add(rule("PCS-SECRET-041", Severity.MEDIUM, "Discord webhook", "A Discord webhook URL posts into its channel without any other credential.")
        .keywords("discord").regex("(https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{5,}/[A-Za-z0-9_\\-]{60,})"));
    s.add(rule("PCS-SECRET-042", Severity.CRITICAL, "HashiCorp Vault token", "A Vault service token reads every secret its policies allow.")
        .keywords("hvs.").regex(B + "(hvs\\.[A-Za-z0-9_\\-]{90,})(?![A-Za-z0-9_\\-])"));
    s.add(rule("PCS-SECRET-043", Severity.HIGH, "Doppler token", "A Doppler token reads the secrets of its project or workplace.")
        .keywords("dp.pt.", "dp.st.", "dp.sa.", "dp.ct.").regex(B + "(dp\\.(?:pt|st|sa|ct)\\.[A-Za-z0-9]{40,44})" + E));
    s.add(rule("PCS-SECRET-044", Severity.HIGH, "Databricks access token", "A Databricks personal access token runs jobs and reads data in its workspace.")
        .keywords("dapi").regex(B + "(dapi[a-f0-9]{32}(?:-[0-9])?)" + E));
    s.addAll(providers());
    return s.stream().map(Spec::build).toList();
  }
}
