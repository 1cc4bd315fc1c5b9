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

import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Finding;
import dev.portcullis.rules.FindingLocation;
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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each secret detector on a file holding one credential in its real format (found, once, redacted,
 * on its line) and on a near miss: a placeholder, a wrong length or a wrong alphabet (not found).
 */
class SecretChecksTest {
  /** {@code path}, the text with the secret, and the secret itself. */
  record Planted(String path, String text, String secret) {}

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

  static Report scan(Planted p) {
    Text t = new Text(Text.Kind.FILE, p.path(), new Text.Origin.OnDisk(p.path()), p.text());
    return new Engine(SecretChecks.all()).evaluate(new Contents("test", List.of(t), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("detectors")
  void aCredentialInItsFormatIsFoundRedactedOnItsLine(String id, Planted positive, Planted negative) {
    Report r = scan(positive);
    assertThat(r.findings()).extracting(Finding::id).as(positive.text()).containsExactly(id);
    Finding f = r.findings().get(0);
    int line = (int) positive.text().substring(0, positive.text().indexOf(positive.secret())).chars().filter(c -> c == '\n').count() + 1;
    assertThat(((FindingLocation.InFile) f.location()).line()).isEqualTo(line);
    assertThat(f.message()).doesNotContain(positive.secret()).contains(Redaction.redact(positive.secret()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("detectors")
  void aNearMissIsNotFound(String id, Planted positive, Planted negative) {
    // the generic assignment rule may still see a near miss of a token format as a password: only this detector must stay quiet
    assertThat(scan(negative).findings()).as(negative.text()).extracting(Finding::id).doesNotContain(id);
  }

  @Test
  void everyDetectorHasAPositiveAndANegative() {
    Set<String> tested = detectors().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
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

  @Test
  void theTextsAreSearchedOnceWhateverTheNumberOfChecks() {
    Contents c = new Contents("x", List.of(new Text(Text.Kind.FILE, "/a", new Text.Origin.OnDisk("/a"), "npm_" + random(ALNUM, 36))), List.of());
    assertThat(SecretChecks.SCANNER.scan(c)).isSameAs(SecretChecks.SCANNER.scan(c));
  }
}
