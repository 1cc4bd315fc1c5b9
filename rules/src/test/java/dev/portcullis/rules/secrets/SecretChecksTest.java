package dev.portcullis.rules.secrets;

import static dev.portcullis.rules.secrets.FakeSecrets.ALNUM;
import static dev.portcullis.rules.secrets.FakeSecrets.B64;
import static dev.portcullis.rules.secrets.FakeSecrets.DIGITS;
import static dev.portcullis.rules.secrets.FakeSecrets.HEX;
import static dev.portcullis.rules.secrets.FakeSecrets.LOWER;
import static dev.portcullis.rules.secrets.FakeSecrets.UPPER;
import static dev.portcullis.rules.secrets.FakeSecrets.URLSAFE;
import static dev.portcullis.rules.secrets.FakeSecrets.base64;
import static dev.portcullis.rules.secrets.FakeSecrets.base64url;
import static dev.portcullis.rules.secrets.FakeSecrets.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Redaction;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.Text;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each secret detector on a file holding one credential in its real format (found, once, redacted,
 * on its line) and on a near miss: a placeholder, a wrong length or a wrong alphabet (not found).
 */
class SecretChecksTest {
  /** {@code path}, the text with the secret, and the secret itself. */
  record Planted(String path, String text, String secret) {
    /** The same text, with the secret being what follows {@code prefix} inside it up to the next {@code @}. */
    Planted withSecretAfter(String prefix) {
      int from = secret.indexOf(prefix) + prefix.length();
      return new Planted(path, text, secret.substring(from, secret.indexOf('@', from)));
    }
  }

  private static Planted at(String path, String before, String secret, String after) {
    return new Planted(path, "# config\n" + before + secret + after + "\n", secret);
  }

  private static Planted line(String before, String secret) {
    return at("/app/settings.conf", before, secret, "");
  }

  static String jwt(String header) {
    return base64url(header) + "." + base64url("{\"sub\":\"1234567890\",\"name\":\"Jo\"}") + "." + random(URLSAFE, 43);
  }

  static String rsaBody() {
    String pem = FakeSecrets.rsaKey();
    return pem.substring(pem.indexOf('\n') + 1, pem.indexOf("-----END"));
  }

  static Stream<Arguments> detectors() {
    String gcp = "{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo\",\n  \"private_key\": \"-----BEGIN " + "PRIVATE KEY-----\\n"
        + random(B64, 120, 3) + "\\n-----END " + "PRIVATE KEY-----\\n\",\n  \"client_email\": \"x@demo.iam.gserviceaccount.com\"\n}\n";
    String gcpKey = gcp.substring(gcp.indexOf("-----BEGIN"), gcp.indexOf("\",\n  \"client_email"));
    String dockerAuth = base64(("robot:" + random(ALNUM, 24)).getBytes(StandardCharsets.UTF_8));
    String ssh = FakeSecrets.openSshKey("none");
    String sshEncrypted = FakeSecrets.openSshKey("aes256-ctr");
    String pkcs8Encrypted = FakeSecrets.pem("ENCRYPTED " + "PRIVATE KEY", random(B64, 400, 5));
    String pgp = "-----BEGIN PGP " + "PRIVATE KEY BLOCK-----\n\n" + random(B64, 64, 1) + "\n" + random(B64, 64, 2) + "\n=ab12\n-----END PGP " + "PRIVATE KEY BLOCK-----\n";
    return Stream.of(
        Arguments.of("PCS-SECRET-001", line("aws_access_key_id = ", "AKIA" + random(UPPER + "234567", 16)),
            line("aws_access_key_id = ", "AKIA" + "IOSFODNN7" + "EXAMPLE")),
        Arguments.of("PCS-SECRET-002", line("aws_secret_access_key = ", random(B64, 40)), line("aws_secret_access_key = ", random(B64, 39))),
        Arguments.of("PCS-SECRET-003", line("token: ", "ghp_" + random(ALNUM, 36)), line("token: ", "ghp_" + random(ALNUM, 35))),
        Arguments.of("PCS-SECRET-004", line("oauth ", "gho_" + random(ALNUM, 36)), line("oauth ", "gho_" + random(LOWER + "-", 36))),
        Arguments.of("PCS-SECRET-005", line("app ", "ghs_" + random(ALNUM, 36)), line("app ", "ghu_" + random(ALNUM, 20))),
        Arguments.of("PCS-SECRET-006", line("refresh ", "ghr_" + random(ALNUM, 36)), line("refresh ", "ghr_" + random(ALNUM, 12))),
        Arguments.of("PCS-SECRET-007", line("GH=", "github_pat_" + random(ALNUM, 22) + "_" + random(ALNUM, 59)), line("GH=", "github_pat_" + random(ALNUM, 22))),
        Arguments.of("PCS-SECRET-008", line("GITLAB=", "glpat-" + random(URLSAFE, 20)), line("GITLAB=", "glpat-" + "short")),
        Arguments.of("PCS-SECRET-009", line("runner ", "glrt-" + random(URLSAFE, 20)), line("runner ", "glrt-" + "abc")),
        Arguments.of("PCS-SECRET-010", line("slack ", "xoxb-" + random(DIGITS, 11) + "-" + random(DIGITS, 12) + "-" + random(ALNUM, 24)), line("slack ", "xoxb-" + "your-token-here")),
        Arguments.of("PCS-SECRET-011", line("app ", "xapp-1-" + random(UPPER + DIGITS, 11) + "-" + random(DIGITS, 13) + "-" + random(HEX, 64)), line("app ", "xapp-1-" + "ABC")),
        Arguments.of("PCS-SECRET-012", line("hook ", "https://hooks.slack.com/services/T" + random(UPPER, 8) + "/B" + random(UPPER, 8) + "/" + random(ALNUM, 24)),
            line("hook ", "https://hooks.slack.com/services/" + "XXX")),
        Arguments.of("PCS-SECRET-013", line("stripe ", "sk_" + "live_" + random(ALNUM, 24)), line("stripe ", "sk_" + "live_" + random(ALNUM, 10))),
        Arguments.of("PCS-SECRET-014", line("stripe ", "rk_" + "test_" + random(ALNUM, 24)), line("stripe ", "rk_" + "test_" + random(LOWER, 8))),
        Arguments.of("PCS-SECRET-015", line("maps ", "AIza" + random(URLSAFE, 35)), line("maps ", "AIza" + random(URLSAFE, 20))),
        Arguments.of("PCS-SECRET-016", new Planted("/app/sa.json", gcp, gcpKey), new Planted("/app/sa.json", gcp.replace("service_account", "authorized_user"), "")),
        Arguments.of("PCS-SECRET-017", new Planted("/root/.ssh/id_rsa", FakeSecrets.rsaKey(), rsaBody()),
            new Planted("/root/.ssh/id_rsa", "-----BEGIN RSA " + "PRIVATE KEY-----\n...\n-----END RSA " + "PRIVATE KEY-----\n", "")),
        Arguments.of("PCS-SECRET-017", new Planted("/root/.ssh/id_ed25519", ssh, ssh.substring(ssh.indexOf('\n') + 1, ssh.indexOf("-----END"))),
            new Planted("/root/.ssh/id_ed25519", sshEncrypted, "")),
        Arguments.of("PCS-SECRET-018", new Planted("/root/.ssh/id_ed25519", sshEncrypted, sshEncrypted.substring(sshEncrypted.indexOf('\n') + 1, sshEncrypted.indexOf("-----END"))),
            new Planted("/root/.ssh/id_ed25519", ssh, "")),
        Arguments.of("PCS-SECRET-018", new Planted("/etc/tls/key.pem", pkcs8Encrypted, pkcs8Encrypted.substring(pkcs8Encrypted.indexOf('\n') + 1, pkcs8Encrypted.indexOf("-----END"))),
            new Planted("/etc/tls/key.pem", FakeSecrets.pem("PUBLIC KEY", random(B64, 400, 5)), "")),
        Arguments.of("PCS-SECRET-019", new Planted("/root/secret.asc", pgp, pgp.substring(pgp.indexOf('\n') + 1, pgp.indexOf("-----END"))),
            new Planted("/root/public.asc", pgp.replace("PRIVATE", "PUBLIC"), "")),
        Arguments.of("PCS-SECRET-020", line("Authorization: Bearer ", jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")), line("Authorization: Bearer ", jwt("{\"typ\":\"JWT\"}"))),
        Arguments.of("PCS-SECRET-021", line("NPM=", "npm_" + random(ALNUM, 36)), line("NPM=", "npm_" + random(ALNUM, 10))),
        Arguments.of("PCS-SECRET-022", at("/home/app/.npmrc", "//registry.npmjs.org/:_authToken=", random(HEX, 8) + "-" + random(HEX, 4) + "-" + random(HEX, 12), ""),
            at("/home/app/.npmrc", "//registry.npmjs.org/:_authToken=", "${NPM_TOKEN}", "")),
        Arguments.of("PCS-SECRET-023", line("pypi ", "pypi-" + "AgEIcHlwaS5vcmc" + random(URLSAFE, 70)), line("pypi ", "pypi-" + "AgEIcHlwaS5vcmc" + random(URLSAFE, 20))),
        Arguments.of("PCS-SECRET-024", at("/root/.pypirc", "[pypi]\nusername = __token__\npassword = ", random(ALNUM, 16), ""),
            at("/root/.pypirc", "[pypi]\nusername = __token__\npassword = ", "<your-password>", "")),
        Arguments.of("PCS-SECRET-025", at("/root/.docker/config.json", "{\"auths\": {\"registry.example.com\": {\"auth\": \"", dockerAuth, "\"}}}"),
            at("/root/.docker/config.json", "{\"auths\": {\"registry.example.com\": {\"auth\": \"", base64("nocolonhere".getBytes(StandardCharsets.UTF_8)), "\"}}}")),
        Arguments.of("PCS-SECRET-026", at("/root/.netrc", "machine git.example.com login ci password ", random(ALNUM, 16), ""),
            at("/root/.netrc", "machine git.example.com login ci password ", "changeme", "")),
        Arguments.of("PCS-SECRET-027", at("/root/.git-credentials", "https://ci:", random(ALNUM, 20), "@git.example.com"),
            at("/root/.git-credentials", "https://", "git.example.com", "/org/repo")),
        Arguments.of("PCS-SECRET-028", at("/app/.env", "DATABASE_URL=postgres://app:", random(ALNUM, 16), "@db:5432/app"),
            at("/app/.env", "DATABASE_URL=postgres://app:", "${DB_PASSWORD}", "@db:5432/app")),
        Arguments.of("PCS-SECRET-029", line("db_password = ", random(ALNUM + "!#%", 20)), line("db_password = ", "changeme123")),
        Arguments.of("PCS-SECRET-029", line("client_secret: ", random(ALNUM, 32)), line("password = ", "aaaaaaaaaaaa")),
        Arguments.of("PCS-SECRET-029", line("api_key=", random(HEX, 32)), line("password: ", "config.database.password")),
        Arguments.of("PCS-SECRET-030", line("mail ", "SG." + random(URLSAFE, 22) + "." + random(URLSAFE, 43)), line("mail ", "SG." + random(URLSAFE, 10))),
        Arguments.of("PCS-SECRET-031", line("shop ", "shpat_" + random(HEX, 32)), line("shop ", "shpat_" + random("ghijk", 32))),
        Arguments.of("PCS-SECRET-032", line("hf ", "hf_" + random(UPPER + LOWER, 34)), line("hf ", "hf_" + random(LOWER, 10))),
        Arguments.of("PCS-SECRET-033", line("do ", "dop_" + "v1_" + random(HEX, 64)), line("do ", "dop_" + "v1_" + random(HEX, 10))),
        Arguments.of("PCS-SECRET-034", line("claude ", "sk-ant-" + "api03-" + random(URLSAFE, 95)), line("claude ", "sk-ant-" + "api03-" + random(URLSAFE, 20))),
        Arguments.of("PCS-SECRET-035", line("openai ", "sk-proj-" + random(ALNUM, 24) + "T3Blbk" + "FJ" + random(ALNUM, 24)), line("openai ", "sk-" + random(ALNUM, 48))),
        Arguments.of("PCS-SECRET-036", line("mailgun ", "key-" + random(HEX, 32)), line("mailgun ", "key-" + random("ghijklmnop", 32))),
        Arguments.of("PCS-SECRET-037", line("DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=", random(B64, 86) + "=="),
            line("DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=", random(B64, 20))),
        Arguments.of("PCS-SECRET-038", at("/root/.kube/config", "users:\n- name: admin\n  user:\n    client-key-data: ", random(B64, 120), ""),
            at("/root/.kube/config", "users:\n- name: admin\n  user:\n    client-key-data: ", "REDACTED", "")),
        Arguments.of("PCS-SECRET-039", line("age ", "AGE-SECRET-KEY-1" + random("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)), line("age ", "AGE-SECRET-KEY-1" + random("BIO", 58))),
        Arguments.of("PCS-SECRET-040", line("bot ", random(DIGITS, 9) + ":AA" + random(URLSAFE, 33)), line("bot ", random(DIGITS, 9) + ":AA" + random(URLSAFE, 10))),
        Arguments.of("PCS-SECRET-041", line("hook ", "https://discord.com/api/webhooks/" + random(DIGITS, 18) + "/" + random(URLSAFE, 68)),
            line("hook ", "https://discord.com/api/webhooks/" + "123/abc")),
        Arguments.of("PCS-SECRET-042", line("VAULT_TOKEN=", "hvs." + random(URLSAFE, 95)), line("VAULT_TOKEN=", "hvs." + random(URLSAFE, 20))),
        Arguments.of("PCS-SECRET-043", line("doppler ", "dp.pt." + random(ALNUM, 43)), line("doppler ", "dp.pt." + random(ALNUM, 10))),
        Arguments.of("PCS-SECRET-044", line("databricks ", "dapi" + random(HEX, 32)), line("databricks ", "dapi" + random(HEX, 10))));
  }

  static String uuid(long seed) {
    return random(HEX, 8, seed) + "-" + random(HEX, 4, seed + 1) + "-4" + random(HEX, 3, seed + 2) + "-a" + random(HEX, 3, seed + 3) + "-" + random(HEX, 12, seed + 4);
  }

  /** The detectors of cloud, CI, chat, payment, mail and developer-platform tokens. */
  static Stream<Arguments> providers() {
    return Stream.of(
        Arguments.of("PCS-SECRET-045", line("AZURE_CLIENT_SECRET=", random(ALNUM, 3) + "8Q~" + random(ALNUM + "_~.", 34)), line("AZURE_CLIENT_SECRET=", random(ALNUM, 3) + "8Q~" + random(ALNUM, 12))),
        Arguments.of("PCS-SECRET-046", line("alibaba.access_key_id=", "LTAI" + random(ALNUM, 20)), line("alibaba.access_key_id=", "LTAI" + random(ALNUM, 12))),
        Arguments.of("PCS-SECRET-047", line("IBM_CLOUD_API_KEY=", random(URLSAFE, 44)), line("IBM_CLOUD_API_KEY=", random(URLSAFE, 30))),
        Arguments.of("PCS-SECRET-048", line("HEROKU_API_KEY=", uuid(5)), line("HEROKU_APP_NAME=", uuid(5))),
        Arguments.of("PCS-SECRET-049", line("netlify ", "nfp_" + random(ALNUM, 36)), line("netlify ", "nfp_" + random(ALNUM, 20))),
        Arguments.of("PCS-SECRET-050", line("VERCEL_TOKEN=", random(ALNUM, 24)), line("VERCEL_TOKEN=", random(ALNUM, 12))),
        Arguments.of("PCS-SECRET-051", line("circleci ", "CCIPAT_" + random(ALNUM, 22) + "_" + random(HEX, 40)), line("circleci ", "CCIPAT_" + random(ALNUM, 22) + "_" + random(HEX, 12))),
        Arguments.of("PCS-SECRET-052", line("TRAVIS_TOKEN=", random(URLSAFE, 22)), line("TRAVIS_TOKEN=", "aaaaaaaaaaaaaaaaaaaaaa")),
        Arguments.of("PCS-SECRET-053", line("JENKINS_API_TOKEN=", "11" + random(HEX, 32)), line("JENKINS_API_TOKEN=", "11" + random(HEX, 12))),
        Arguments.of("PCS-SECRET-054", line("buildkite ", "bkua_" + random(HEX, 40)), line("buildkite ", "bkua_" + random(HEX, 20))),
        Arguments.of("PCS-SECRET-055", line("jira ", "ATATT3" + random(URLSAFE, 186)), line("jira ", "ATATT3" + random(URLSAFE, 40))),
        Arguments.of("PCS-SECRET-056", line("twilio ", "SK" + random(HEX, 32)), line("twilio ", "SK" + random(HEX, 31))),
        Arguments.of("PCS-SECRET-057", line("mailchimp ", random(HEX, 32) + "-us14"), line("mailchimp ", random(HEX, 20) + "-us14")),
        Arguments.of("PCS-SECRET-058", line("POSTMARK_SERVER_TOKEN=", uuid(7)), line("POSTMARK_SERVER_TOKEN=", "00000000-0000")),
        Arguments.of("PCS-SECRET-059", line("square ", "sq0csp-" + random(URLSAFE, 43)), line("square ", "sq0csp-" + random(URLSAFE, 20))),
        Arguments.of("PCS-SECRET-060", line("braintree ", "access_token$production$" + random(LOWER + DIGITS, 16) + "$" + random(HEX, 32)),
            line("braintree ", "access_token$sandbox$" + random(LOWER + DIGITS, 16) + "$" + random(HEX, 32))),
        Arguments.of("PCS-SECRET-061", line("adyen ", "AQE" + random(ALNUM + "+/", 150)), line("adyen ", "AQE" + random(ALNUM, 40))),
        Arguments.of("PCS-SECRET-062", line("OKTA_API_TOKEN=", "00" + random(URLSAFE, 40)), line("OKTA_API_TOKEN=", "00" + random(URLSAFE, 20))),
        Arguments.of("PCS-SECRET-063", line("AUTH0_CLIENT_SECRET=", random(URLSAFE, 64)), line("AUTH0_CLIENT_SECRET=", random(URLSAFE, 30))),
        Arguments.of("PCS-SECRET-064", line("sentry ", "sntryu_" + random(HEX, 64)), line("sentry ", "sntryu_" + random(HEX, 30))),
        Arguments.of("PCS-SECRET-065", line("dsn: ", "https://" + random(HEX, 32) + "@o4504.ingest.sentry.io/4504"), line("dsn: ", "https://sentry.io/for/java/")),
        Arguments.of("PCS-SECRET-066", line("newrelic ", "NRAK-" + random(UPPER + DIGITS, 27)), line("newrelic ", "NRAK-" + random(UPPER + DIGITS, 10))),
        Arguments.of("PCS-SECRET-067", line("DD_API_KEY=", random(HEX, 32)), line("DD_API_KEY=", random(HEX, 16))),
        Arguments.of("PCS-SECRET-068", line("grafana ", "glsa_" + random(ALNUM, 32) + "_" + random(HEX, 8)), line("grafana ", "glsa_" + random(ALNUM, 12))),
        Arguments.of("PCS-SECRET-069", line("linear ", "lin_api_" + random(ALNUM, 40)), line("linear ", "lin_api_" + random(ALNUM, 20))),
        Arguments.of("PCS-SECRET-070", line("notion ", "ntn_" + random(DIGITS, 11) + random(ALNUM, 35)), line("notion ", "ntn_" + random(ALNUM, 20))),
        Arguments.of("PCS-SECRET-071", line("figma ", "figd_" + random(URLSAFE, 40)), line("figma ", "figd_" + random(URLSAFE, 20))),
        Arguments.of("PCS-SECRET-072", line("dropbox ", "sl." + random(URLSAFE, 138)), line("dropbox ", "sl." + random(URLSAFE, 40))),
        Arguments.of("PCS-SECRET-073", line("asana token ", "1/" + random(DIGITS, 16) + ":" + random(HEX, 32)), line("asana token ", "1/" + random(DIGITS, 16))),
        Arguments.of("PCS-SECRET-074", line("TWITCH_CLIENT_SECRET=", random(LOWER + DIGITS, 30)), line("TWITCH_CLIENT_SECRET=", random(LOWER + DIGITS, 12))),
        Arguments.of("PCS-SECRET-075", line("credentials ", random(ALNUM, 14) + ".atlasv1." + random(URLSAFE, 67)), line("credentials ", random(ALNUM, 14) + ".atlasv1." + random(URLSAFE, 10))),
        Arguments.of("PCS-SECRET-076", line("PULUMI_ACCESS_TOKEN=", "pul-" + random(HEX, 40)), line("PULUMI_ACCESS_TOKEN=", "pul-" + random(HEX, 20))),
        Arguments.of("PCS-SECRET-077", at("/root/.aws/credentials", "[default]\naws_session_token = ", random(B64, 300), ""), at("/root/.aws/credentials", "[default]\naws_session_token = ", "${AWS_SESSION_TOKEN}", "")),
        Arguments.of("PCS-SECRET-078", at("/root/.kube/config", "users:\n- name: ci\n  user:\n    token: ", random(URLSAFE, 40), ""), at("/app/notes.yaml", "users:\n- name: ci\n  user:\n    token: ", random(URLSAFE, 40), "")),
        Arguments.of("PCS-SECRET-079", line("OP_SERVICE_ACCOUNT_TOKEN=", "ops_" + base64url("{\"signInAddress\":\"my.1password.com\",\"userAuth\":{\"method\":\"SRPg-4096\"},\"email\":\"x@y\"}") + random(URLSAFE, 60)),
            line("OP_SERVICE_ACCOUNT_TOKEN=", "ops_" + random(ALNUM, 40))),
        Arguments.of("PCS-SECRET-080", line("groq ", "gsk_" + random(ALNUM, 52)), line("groq ", "gsk_" + random(ALNUM, 30))),
        Arguments.of("PCS-SECRET-081", line("remote = ", "https://deploy:" + random(ALNUM, 18) + "@git.example.org/app.git").withSecretAfter("https://deploy:"),
            line("remote = ", "https://deploy:${GIT_PASSWORD}@git.example.org/app.git")),
        Arguments.of("PCS-SECRET-082", line("mapbox ", "sk.eyJ" + random(URLSAFE, 60) + "." + random(URLSAFE, 22)), line("mapbox ", "pk.eyJ" + random(URLSAFE, 60) + "." + random(URLSAFE, 22))),
        Arguments.of("PCS-SECRET-083", line("postman ", "PMAK-" + random(HEX, 24) + "-" + random(HEX, 34)), line("postman ", "PMAK-" + random(HEX, 24))),
        Arguments.of("PCS-SECRET-084", line("brevo ", "xkeysib-" + random(HEX, 64) + "-" + random(ALNUM, 16)), line("brevo ", "xkeysib-" + random(HEX, 30))),
        Arguments.of("PCS-SECRET-085", line("planetscale ", "pscale_tkn_" + random(URLSAFE, 43)), line("planetscale ", "pscale_tkn_" + random(URLSAFE, 10))),
        Arguments.of("PCS-SECRET-086", line("fly ", "fo1_" + random(URLSAFE, 43)), line("fly ", "fo1_" + random(URLSAFE, 20))));
  }

  static Stream<Arguments> all() {
    return Stream.concat(detectors(), providers());
  }

  static Report scan(Planted p) {
    Text t = new Text(Text.Kind.FILE, p.path(), new Text.Origin.OnDisk(p.path()), p.text());
    return new Engine(SecretChecks.all()).evaluate(new Contents("test", List.of(t), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void aCredentialInItsFormatIsFoundRedactedOnItsLine(String id, Planted positive, Planted negative) {
    Report r = scan(positive);
    assertThat(r.findings()).extracting(CheckFinding::id).as(positive.text()).containsExactly(id);
    CheckFinding f = r.findings().get(0);
    int line = (int) positive.text().substring(0, positive.text().indexOf(positive.secret())).chars().filter(c -> c == '\n').count() + 1;
    assertThat(((FindingLocation.InFile) f.location()).line()).isEqualTo(line);
    assertThat(f.message()).doesNotContain(positive.secret()).contains(Redaction.redact(positive.secret()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void aNearMissIsNotFound(String id, Planted positive, Planted negative) {
    // the generic assignment rule may still see a near miss of a token format as a password: only this detector must stay quiet
    assertThat(scan(negative).findings()).as(negative.text()).extracting(CheckFinding::id).doesNotContain(id);
  }

  @Test
  void everyDetectorHasAPositiveAndANegative() {
    Set<String> tested = all().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
    assertThat(tested).containsExactlyElementsOf(SecretRules.all().stream().map(r -> r.info().id()).sorted().toList());
  }

  @Test
  void configValuesAreSearchedButNotByTheGenericAssignmentRule() {
    String token = "ghp_" + random(ALNUM, 36);
    List<Text> texts = List.of(
        Text.config(Text.Kind.ENV, "img", "config.Env[0]", "GH_TOKEN=" + token),
        Text.config(Text.Kind.ENV, "img", "config.Env[1]", "DB_PASSWORD=" + random(ALNUM, 20)));
    Report r = new Engine(SecretChecks.all()).evaluate(new Contents("img", texts, List.of()));
    assertThat(r.findings()).extracting(f -> f.id() + " " + f.location().display()).containsExactly("PCS-SECRET-003 config.Env[0]");
  }

  // lines of Debian bookworm's perl-base, adduser and passwd packages that made every Debian image "ship secrets"
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      /usr/lib/x86_64-linux-gnu/perl-base/Cwd.pm | $newpwd = Win32::GetFullPathName($newdir);
      /usr/lib/x86_64-linux-gnu/perl-base/Cwd.pm | $pwd = Dos::GetCwd();
      /usr/lib/x86_64-linux-gnu/perl-base/Cwd.pm | my $pwd = `/usr/bin/fullpath -t`;
      /usr/sbin/deluser                          | my @passwd = getpwnam($user);
      /usr/share/lintian/overrides/passwd        | passwd: elevated-privileges 4755 root/root [usr/bin/chfn]
      /usr/share/lintian/overrides/base-passwd   | base-passwd: no-debconf-config
      """)
  void callsCommandsAndLintianTagsAreNotPasswords(String path, String text) {
    Report r = new Engine(SecretChecks.all()).evaluate(new Contents("x", List.of(new Text(Text.Kind.FILE, path, new Text.Origin.OnDisk(path), text + "\n")), List.of()));
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void aLiteralBeforeAnUnrelatedParenthesisIsStillAPassword() {
    String password = random(ALNUM, 20);
    Report r = scan(at("/app/run.pl", "my $db_password = '", password, "'; connect($db_password);"));
    assertThat(r.findings()).extracting(CheckFinding::id).containsExactly("PCS-SECRET-029");
  }

  @Test
  void theTextsAreSearchedOnceWhateverTheNumberOfChecks() {
    Contents c = new Contents("x", List.of(new Text(Text.Kind.FILE, "/a", new Text.Origin.OnDisk("/a"), "npm_" + random(ALNUM, 36))), List.of());
    assertThat(SecretChecks.SCANNER.scan(c)).isSameAs(SecretChecks.SCANNER.scan(c));
  }
}
