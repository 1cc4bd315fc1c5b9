package dev.portcullis.rules.secrets;

import static dev.portcullis.rules.secrets.FakeSecrets.ALNUM;
import static dev.portcullis.rules.secrets.FakeSecrets.B64;
import static dev.portcullis.rules.secrets.FakeSecrets.HEX;
import static dev.portcullis.rules.secrets.FakeSecrets.LOWER;
import static dev.portcullis.rules.secrets.FakeSecrets.UPPER;
import static dev.portcullis.rules.secrets.FakeSecrets.random;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.Interest;
import dev.portcullis.rules.content.ReadLimits;
import dev.portcullis.testkit.TestImages;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Portcullis's secret checks and npm's secretlint with its recommended preset (AWS access key IDs
 * on) over one corpus of realistic files: credentials in their real formats, made here from seeded
 * random bodies or generated keys, and many look-alikes (documentation examples, placeholders,
 * references to variables, hashes, public keys). Each planted value sits on known lines; a finding
 * on a planted credential is a hit, any other finding is a false positive. Portcullis must find
 * every credential secretlint finds in the categories both cover, and report no more false
 * positives. The table is written to {@code target/secretlint-comparison.md} for docs/BENCHMARKS.md.
 */
class SecretlintSideBySideIT {
  private static final String SECRETLINT = "secretlint@12.0.0";
  private static final String PRESET = "@secretlint/secretlint-rule-preset-recommend@12.0.0";

  /** A planted value: a credential or a look-alike, in a file, on lines {@code from} to {@code to}. */
  record Plant(String category, boolean credential, String file, int from, int to) {
    boolean covers(String f, int line) {
      return file.equals(f) && line >= from && line <= to;
    }
  }

  /** The corpus being written: files and what was planted where. */
  static final class Corpus {
    final Map<String, StringBuilder> files = new TreeMap<>();
    final List<Plant> plants = new ArrayList<>();

    private int lines(String file) {
      StringBuilder sb = files.computeIfAbsent(file, f -> new StringBuilder());
      return (int) sb.chars().filter(c -> c == '\n').count();
    }

    Corpus text(String file, String text) {
      files.computeIfAbsent(file, f -> new StringBuilder()).append(text.endsWith("\n") ? text : text + "\n");
      return this;
    }

    private Corpus plant(String category, boolean credential, String file, String text) {
      int from = lines(file) + 1;
      text(file, text);
      plants.add(new Plant(category, credential, file, from, lines(file)));
      return this;
    }

    Corpus secret(String category, String file, String text) {
      return plant(category, true, file, text);
    }

    Corpus decoy(String category, String file, String text) {
      return plant(category, false, file, text);
    }

    void write(Path root) throws IOException {
      for (var e : files.entrySet()) {
        Path p = root.resolve(e.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, e.getValue());
      }
    }
  }

  /** Which Portcullis checks find a category; a category secretlint finds and none of these cover is left out of the comparison. */
  static final Map<String, Set<String>> PORTCULLIS = new LinkedHashMap<>();

  static {
    PORTCULLIS.put("AWS access key ID", Set.of("PCS-SECRET-001"));
    PORTCULLIS.put("AWS secret access key", Set.of("PCS-SECRET-002"));
    PORTCULLIS.put("GitHub token", Set.of("PCS-SECRET-003", "PCS-SECRET-004", "PCS-SECRET-005", "PCS-SECRET-007"));
    PORTCULLIS.put("GitLab token", Set.of("PCS-SECRET-008"));
    PORTCULLIS.put("Slack token or webhook", Set.of("PCS-SECRET-010", "PCS-SECRET-012"));
    PORTCULLIS.put("npm token", Set.of("PCS-SECRET-021", "PCS-SECRET-022"));
    PORTCULLIS.put("SendGrid key", Set.of("PCS-SECRET-030"));
    PORTCULLIS.put("Shopify token", Set.of("PCS-SECRET-031"));
    PORTCULLIS.put("OpenAI key", Set.of("PCS-SECRET-035"));
    PORTCULLIS.put("Anthropic key", Set.of("PCS-SECRET-034"));
    PORTCULLIS.put("Hugging Face token", Set.of("PCS-SECRET-032"));
    PORTCULLIS.put("Databricks token", Set.of("PCS-SECRET-044"));
    PORTCULLIS.put("Vault token", Set.of("PCS-SECRET-042"));
    PORTCULLIS.put("Private key", Set.of("PCS-SECRET-017", "PCS-SECRET-018", "PCS-SECRET-038"));
    PORTCULLIS.put("GCP service account key", Set.of("PCS-SECRET-016"));
    PORTCULLIS.put("Database URL with password", Set.of("PCS-SECRET-028"));
    PORTCULLIS.put("Docker registry auth", Set.of("PCS-SECRET-025"));
    PORTCULLIS.put("Stripe key", Set.of("PCS-SECRET-013"));
    PORTCULLIS.put("Password assignment", Set.of("PCS-SECRET-029", "PCS-SECRET-024", "PCS-SECRET-026"));
    PORTCULLIS.put("Linear key", Set.of("PCS-SECRET-069"));
    PORTCULLIS.put("Notion token", Set.of("PCS-SECRET-070"));
    PORTCULLIS.put("Figma token", Set.of("PCS-SECRET-071"));
    PORTCULLIS.put("Grafana token", Set.of("PCS-SECRET-068"));
    PORTCULLIS.put("Groq key", Set.of("PCS-SECRET-080"));
    PORTCULLIS.put("Password in an HTTP URL", Set.of("PCS-SECRET-081"));
  }

  private static Path corpusDir;
  private static Corpus corpus;
  private static Map<String, List<Integer>> secretlintHits; // file -> lines
  private static Map<String, List<Integer>> portcullisHits;

  private static String pem(String label, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----";
  }

  static Corpus build() throws GeneralSecurityException {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair server = rsa.generateKeyPair();
    KeyPair account = rsa.generateKeyPair();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    KeyPair client = ec.generateKeyPair();
    String serverKey = pem("PRIVATE" + " KEY", server.getPrivate().getEncoded());
    String accountKey = pem("PRIVATE" + " KEY", account.getPrivate().getEncoded());
    String clientKey = pem("PRIVATE" + " KEY", client.getPrivate().getEncoded());

    String akia1 = "AKIA" + random(UPPER + "234567", 16, 1);
    String akia2 = "AKIA" + random(UPPER + "234567", 16, 2);
    String awsSecret1 = random(B64, 40, 3);
    String awsSecret2 = random(B64, 40, 4);
    String ghp = "ghp_" + random(ALNUM, 36, 5);
    String gho = "gho_" + random(ALNUM, 36, 6);
    String ghFine = "github_pat_" + random(ALNUM, 22, 7) + "_" + random(ALNUM, 59, 8);
    String glpat = "glpat-" + random(ALNUM + "_-", 20, 9);
    String xoxb = "xoxb-" + random("0123456789", 12, 10) + "-" + random("0123456789", 13, 11) + "-" + random(ALNUM, 24, 12);
    String webhook = "https://hooks.slack.com/services/T" + random(UPPER + "0123456789", 8, 13) + "/B" + random(UPPER + "0123456789", 10, 14) + "/" + random(ALNUM, 24, 15);
    String npm = "npm_" + random(ALNUM, 36, 16);
    String sendgrid = "SG." + random(ALNUM + "_-", 22, 17) + "." + random(ALNUM + "_-", 43, 18);
    String shopify = "shpat_" + random(HEX, 32, 19);
    String openai = "sk-proj-" + random(ALNUM + "_-", 74, 20) + "T3Blbk" + "FJ" + random(ALNUM + "_-", 74, 21);
    String anthropic = "sk-ant-api03-" + random(ALNUM + "_-", 93, 22) + "AA";
    String hf = "hf_" + random(UPPER + LOWER, 34, 23);
    String databricks = "dapi" + random(HEX, 32, 24);
    String vault = "hvs." + random(ALNUM + "_-", 90, 25);
    String stripe = "sk_live_" + random(ALNUM, 24, 26);
    String dbPass = random(ALNUM, 18, 27);
    String mongoPass = random(ALNUM, 20, 28);
    String dockerAuth = Base64.getEncoder().encodeToString(("ci-bot:" + random(ALNUM, 24, 29)).getBytes(StandardCharsets.UTF_8));
    String yamlPass = random(ALNUM + "!#%", 22, 30);

    Corpus c = new Corpus();
    c.text(".env", "# local settings for docker compose\nNODE_ENV=production\nPORT=8080");
    c.secret("AWS access key ID", ".env", "AWS_ACCESS_KEY_ID=" + akia1);
    c.secret("AWS secret access key", ".env", "AWS_SECRET_ACCESS_KEY=" + awsSecret1);
    c.secret("Stripe key", ".env", "STRIPE_SECRET_KEY=" + stripe);
    c.secret("Database URL with password", ".env", "DATABASE_URL=postgres://app:" + dbPass + "@db.internal:5432/app");
    c.decoy("Password assignment", ".env", "API_KEY=${API_KEY}");
    c.decoy("Password assignment", ".env", "SESSION_SECRET=changeme");
    c.decoy("Database URL with password", ".env", "REDIS_URL=redis://cache.internal:6379/0");

    c.text("config/application.yml", "spring:\n  application:\n    name: orders\n  datasource:\n    url: jdbc:postgresql://db:5432/orders\n    username: orders");
    c.secret("Password assignment", "config/application.yml", "    password: " + yamlPass);
    c.decoy("Password assignment", "config/application.yml", "  mail:\n    password: ${MAIL_PASSWORD}");
    c.secret("Database URL with password", "config/application.yml", "  data:\n    mongodb:\n      uri: mongodb+srv://orders:" + mongoPass + "@cluster0.mongodb.net/orders");
    c.decoy("Database URL with password", "config/application.yml", "      replica: mongodb://localhost:27017/orders");

    c.text("src/main/java/com/acme/GitHubClient.java", "package com.acme;\n\nimport java.net.http.HttpClient;\n\npublic final class GitHubClient {");
    c.secret("GitHub token", "src/main/java/com/acme/GitHubClient.java", "  private static final String TOKEN = \"" + ghp + "\";");
    c.decoy("Git commit", "src/main/java/com/acme/GitHubClient.java", "  private static final String PINNED = \"" + random(HEX, 40, 31) + "\"; // commit of the API schema");
    c.decoy("UUID", "src/main/java/com/acme/GitHubClient.java", "  private static final String INSTALLATION = \"" + random(HEX, 8, 32) + "-" + random(HEX, 4, 33) + "-4" + random(HEX, 3, 34) + "-a" + random(HEX, 3, 35) + "-" + random(HEX, 12, 36) + "\";");
    c.decoy("GitHub token", "src/main/java/com/acme/GitHubClient.java", "  private static final String TOKEN_PREFIX = \"ghp_\"; // classic tokens start so");
    c.text("src/main/java/com/acme/GitHubClient.java", "}");

    c.text("app/settings.py", "import os\n\nDEBUG = False\nALLOWED_HOSTS = ['shop.example.org']");
    c.secret("SendGrid key", "app/settings.py", "SENDGRID_API_KEY = '" + sendgrid + "'");
    c.decoy("Password assignment", "app/settings.py", "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']");
    c.decoy("Hash", "app/settings.py", "STATIC_MANIFEST_SHA256 = '" + random(HEX, 64, 37) + "'");
    c.secret("Anthropic key", "app/assistant.py", "import anthropic\n\nclient = anthropic.Anthropic(api_key=\"" + anthropic + "\")");

    c.text("web/src/config.ts", "export const config = {\n  region: 'eu-west-1',");
    c.secret("OpenAI key", "web/src/config.ts", "  openaiKey: '" + openai + "',");
    c.secret("Slack token or webhook", "web/src/config.ts", "  alerts: '" + webhook + "',");
    c.decoy("Slack token or webhook", "web/src/config.ts", "  slackToken: process.env.SLACK_BOT_TOKEN ?? 'xoxb-your-token-here',");
    c.decoy("Hash", "web/src/config.ts", "  integrity: 'sha512-" + random(B64, 86, 38) + "==',");
    c.text("web/src/config.ts", "};");

    c.text("cmd/notify/main.go", "package main\n\nimport \"github.com/slack-go/slack\"\n\nfunc main() {");
    c.secret("Slack token or webhook", "cmd/notify/main.go", "\tapi := slack.New(\"" + xoxb + "\")");
    c.decoy("Image digest", "cmd/notify/main.go", "\tconst base = \"gcr.io/distroless/static@sha256:" + random(HEX, 64, 39) + "\"");
    c.text("cmd/notify/main.go", "\t_ = api\n\t_ = base\n}");

    c.text("home/dev/.bash_history", "ls -la\ncd ~/src/orders\ngit status");
    c.secret("GitHub token", "home/dev/.bash_history", "export GH_TOKEN=" + gho);
    c.secret("Database URL with password", "home/dev/.bash_history", "psql postgresql://admin:" + random(ALNUM, 16, 40) + "@10.0.3.7/orders");
    c.decoy("AWS access key ID", "home/dev/.bash_history", "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE --profile docs");
    c.secret("Vault token", "home/dev/.bash_history", "VAULT_TOKEN=" + vault + " vault kv get secret/orders");
    c.text("home/dev/.bash_history", "docker compose up -d");

    String kubeKey = Base64.getEncoder().encodeToString(clientKey.getBytes(StandardCharsets.US_ASCII));
    c.text("home/dev/.kube/config", "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster:\n    server: https://10.0.0.1:6443\n"
        + "    certificate-authority-data: " + Base64.getEncoder().encodeToString(random(B64, 600, 41).getBytes(StandardCharsets.US_ASCII)) + "\nusers:\n- name: admin\n  user:");
    c.secret("Private key", "home/dev/.kube/config", "    client-key-data: " + kubeKey);
    c.text("home/dev/.kube/config", "contexts:\n- name: prod\n  context: {cluster: prod, user: admin}\ncurrent-context: prod");

    c.text(".gitlab-ci.yml", "stages: [build, deploy]\nbuild:\n  stage: build\n  script:\n    - mvn -B package");
    c.secret("GitLab token", ".gitlab-ci.yml", "    - git clone https://oauth2:" + glpat + "@gitlab.example.com/acme/deploy.git");
    c.decoy("Password assignment", ".gitlab-ci.yml", "  variables:\n    REGISTRY_PASSWORD: $CI_REGISTRY_PASSWORD");
    c.text(".github/workflows/release.yml", "name: release\non: {push: {tags: ['v*']}}\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4");
    c.decoy("npm token", ".github/workflows/release.yml", "      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}");
    c.secret("GitHub token", ".github/workflows/release.yml", "      - run: gh release create \"$GITHUB_REF_NAME\"\n        env:\n          GH_TOKEN: " + ghFine);

    c.secret("npm token", ".npmrc", "//registry.npmjs.org/:_authToken=" + npm);
    c.decoy("npm token", ".npmrc", "//npm.pkg.github.com/:_authToken=${GITHUB_PACKAGES_TOKEN}");
    c.text(".npmrc", "save-exact=true");

    c.text(".aws/credentials", "[default]");
    c.secret("AWS access key ID", ".aws/credentials", "aws_access_key_id = " + akia2);
    c.secret("AWS secret access key", ".aws/credentials", "aws_secret_access_key = " + awsSecret2);
    c.text(".aws/credentials", "\n[docs]");
    c.decoy("AWS access key ID", ".aws/credentials", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE");
    c.decoy("AWS secret access key", ".aws/credentials", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

    c.text(".docker/config.json", "{\n  \"auths\": {\n    \"registry.example.com\": {");
    c.secret("Docker registry auth", ".docker/config.json", "      \"auth\": \"" + dockerAuth + "\"");
    c.text(".docker/config.json", "    }\n  },\n  \"credsStore\": \"desktop\"\n}");

    c.secret("Private key", "etc/nginx/tls/server.key", serverKey);
    c.decoy("Public key", "etc/nginx/tls/server.pub", pem("PUBLIC" + " KEY", server.getPublic().getEncoded()));
    c.decoy("Private key", "docs/tls.md", "# TLS\n\nPut the key in `server.key`; it starts like this:\n\n```\n-----BEGIN " + "PRIVATE KEY-----\n...\n-----END " + "PRIVATE KEY-----\n```");

    String json = accountKey.replace("\n", "\\n");
    c.secret("GCP service account key", "deploy/gcp-sa.json", "{\n  \"type\": \"service_account\",\n  \"project_id\": \"orders-prod\",\n  \"private_key_id\": \""
        + random(HEX, 40, 42) + "\",\n  \"private_key\": \"" + json + "\\n\",\n  \"client_email\": \"deployer@orders-prod.iam.gserviceaccount.com\"\n}");

    c.text("README.md", "# orders\n\n## Configuration\n");
    c.decoy("AWS access key ID", "README.md", "Set `AWS_ACCESS_KEY_ID` (for example `AKIAIOSFODNN7EXAMPLE`) and `AWS_SECRET_ACCESS_KEY`.");
    c.decoy("Stripe key", "README.md", "The Stripe key looks like `sk_live_...`; use a restricted key.");
    c.decoy("GitHub token", "README.md", "Create a token (`ghp_` followed by 36 characters) with the `repo` scope.");
    c.decoy("Database URL with password", "README.md", "DATABASE_URL has the form `postgres://USER:PASSWORD@HOST:5432/DB`.");
    c.decoy("Slack token or webhook", "README.md", "The webhook is `https://hooks.slack.com/services/T000/B000/XXXX`.");

    c.text("scripts/release.rb", "require 'net/http'\n");
    c.secret("Hugging Face token", "scripts/release.rb", "HF_TOKEN = '" + hf + "'");
    c.secret("Shopify token", "scripts/release.rb", "SHOPIFY_ADMIN_TOKEN = '" + shopify + "'");
    c.decoy("Hash", "scripts/release.rb", "CHECKSUM = '" + random(HEX, 64, 43) + "'");
    c.secret("Databricks token", "infra/terraform.tfvars", "databricks_token = \"" + databricks + "\"");
    c.decoy("Password assignment", "infra/terraform.tfvars", "db_password = var.db_password");
    c.text("package-lock.json", "{\n  \"packages\": {\n    \"node_modules/left-pad\": {\n      \"version\": \"1.3.0\",");
    c.decoy("Hash", "package-lock.json", "      \"integrity\": \"sha512-" + random(B64, 86, 44) + "==\"");
    c.text("package-lock.json", "    }\n  }\n}");
    c.text("tools/integrations.mjs", "// the team's integrations, for the weekly report script");
    c.secret("Linear key", "tools/integrations.mjs", "const LINEAR_API_KEY = '" + "lin_api_" + random(ALNUM, 40, 45) + "';");
    c.secret("Notion token", "tools/integrations.mjs", "const notion = new Client({ auth: '" + "ntn_" + random("0123456789", 11, 46) + random(ALNUM, 35, 47) + "' });");
    c.secret("Figma token", "tools/integrations.mjs", "const figmaToken = '" + "figd_" + random(ALNUM + "_-", 40, 48) + "';");
    c.secret("Grafana token", "tools/integrations.mjs", "const grafana = '" + "glsa_" + random(ALNUM, 32, 49) + "_" + random(HEX, 8, 50) + "';");
    c.secret("Groq key", "tools/integrations.mjs", "const groq = new Groq({ apiKey: '" + "gsk_" + random(ALNUM, 52, 51) + "' });");
    c.decoy("Linear key", "tools/integrations.mjs", "const LINEAR_DOCS = 'https://linear.app/docs/api-and-webhooks'; // keys start with lin_api_");
    c.secret("Password in an HTTP URL", "etc/pip.conf", "[global]\nindex-url = https://ci:" + random(ALNUM, 20, 52) + "@pypi.internal.example.org/simple");
    c.decoy("Password in an HTTP URL", "etc/pip.conf", "extra-index-url = https://${PIP_USER}:${PIP_PASSWORD}@pypi.example.org/simple");
    c.decoy("Password assignment", "docker-compose.yml", "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password");
    return c;
  }

  @BeforeAll
  static void runBoth() throws Exception {
    Tools.require("npm");
    Path work = Files.createTempDirectory(TestImages.workDir(), "secretlint-");
    corpusDir = Files.createDirectories(work.resolve("corpus"));
    corpus = build();
    corpus.write(corpusDir);

    Path tool = Files.createDirectories(work.resolve("tool"));
    Files.writeString(tool.resolve("package.json"), "{\"name\":\"side-by-side\",\"private\":true}");
    run(tool, Duration.ofMinutes(5), "npm", "install", "--no-audit", "--no-fund", "--silent", SECRETLINT, PRESET);
    Files.writeString(corpusDir.resolve(".secretlintrc.json"), """
        {"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend",
                    "rules": [{"id": "@secretlint/secretlint-rule-aws", "options": {"enableIDScanRule": true}}]}]}
        """);
    List<String> cmd = new ArrayList<>(List.of(tool.resolve("node_modules/.bin/secretlint").toString(), "--format", "json", "--no-color",
        "--secretlintrc", corpusDir.resolve(".secretlintrc.json").toString()));
    cmd.addAll(corpus.files.keySet());
    String out = run(corpusDir, Duration.ofMinutes(5), cmd.toArray(String[]::new));
    secretlintHits = new TreeMap<>();
    for (JsonNode file : new ObjectMapper().readTree(out)) {
      String rel = corpusDir.relativize(Path.of(file.path("filePath").asText())).toString();
      for (JsonNode m : file.path("messages")) {
        secretlintHits.computeIfAbsent(rel, k -> new ArrayList<>()).add(m.path("loc").path("start").path("line").asInt());
      }
    }

    Interest interest = new Interest(SecretChecks.SCANNER.keywords(), p -> false);
    Contents contents = Contents.ofPaths("corpus", List.of(corpusDir), interest, ReadLimits.DEFAULT);
    Report report = new Engine(SecretChecks.all()).evaluate(contents);
    portcullisHits = new TreeMap<>();
    for (CheckFinding f : report.findings()) {
      FindingLocation.InFile at = (FindingLocation.InFile) f.location();
      portcullisHits.computeIfAbsent(corpusDir.relativize(Path.of(at.file())).toString(), k -> new ArrayList<>()).add(at.line());
    }
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/secretlint-comparison.md"), table());
  }

  /** Runs a command in {@code dir}; its stdout. secretlint exits 1 when it finds something, so only 0 and 1 pass. */
  private static String run(Path dir, Duration timeout, String... command) throws IOException, InterruptedException {
    Path stdout = Files.createTempFile(dir.getParent(), "out-", ".txt");
    Path stderr = Files.createTempFile(dir.getParent(), "err-", ".txt");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(command[0] + " did not finish in " + timeout);
    }
    if (p.exitValue() > 1) {
      throw new IOException(String.join(" ", List.of(command).subList(0, Math.min(4, command.length))) + ": exit " + p.exitValue() + ": " + Files.readString(stderr));
    }
    return Files.readString(stdout);
  }

  private static boolean found(Map<String, List<Integer>> hits, Plant p) {
    return hits.getOrDefault(p.file(), List.of()).stream().anyMatch(l -> p.covers(p.file(), l));
  }

  /** Findings on no planted credential: on a look-alike or on a line where nothing was planted. */
  private static int falsePositives(Map<String, List<Integer>> hits) {
    return falsePositiveLines(hits).size();
  }

  private static List<String> falsePositiveLines(Map<String, List<Integer>> hits) {
    List<String> out = new ArrayList<>();
    for (var e : hits.entrySet()) {
      for (int line : e.getValue()) {
        if (corpus.plants.stream().noneMatch(p -> p.credential() && p.covers(e.getKey(), line))) {
          String what = corpus.plants.stream().filter(p -> p.covers(e.getKey(), line)).map(p -> " (look-alike: " + p.category() + ")").findFirst().orElse("");
          out.add(e.getKey() + ":" + line + what);
        }
      }
    }
    return out;
  }

  private static boolean bothCover(String category) {
    return PORTCULLIS.containsKey(category) && corpus.plants.stream().anyMatch(p -> p.category().equals(category) && p.credential() && found(secretlintHits, p));
  }

  static String table() {
    StringBuilder sb = new StringBuilder("| Category | Planted | Look-alikes | secretlint found | Portcullis found | Both cover |\n|---|---:|---:|---:|---:|---|\n");
    Map<String, int[]> rows = new TreeMap<>();
    for (Plant p : corpus.plants) {
      int[] r = rows.computeIfAbsent(p.category(), k -> new int[4]);
      if (p.credential()) {
        r[0]++;
        r[2] += found(secretlintHits, p) ? 1 : 0;
        r[3] += found(portcullisHits, p) ? 1 : 0;
      } else {
        r[1]++;
      }
    }
    rows.forEach((k, r) -> sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s |%n", k, r[0], r[1], r[2], r[3], bothCover(k) ? "yes" : "")));
    sb.append(String.format(Locale.ROOT, "%nFindings on no planted credential (look-alikes and elsewhere): secretlint %d, Portcullis %d.%n",
        falsePositives(secretlintHits), falsePositives(portcullisHits)));
    falsePositiveLines(secretlintHits).forEach(l -> sb.append("- secretlint: ").append(l).append('\n'));
    falsePositiveLines(portcullisHits).forEach(l -> sb.append("- Portcullis: ").append(l).append('\n'));
    return sb.toString();
  }

  @Test
  void portcullisFindsEveryCredentialSecretlintFindsInTheCategoriesBothCover() {
    System.out.println(table());
    List<String> missed = new ArrayList<>();
    for (Plant p : corpus.plants) {
      if (p.credential() && bothCover(p.category()) && found(secretlintHits, p) && !found(portcullisHits, p)) {
        missed.add(p.category() + " in " + p.file() + ":" + p.from());
      }
    }
    assertThat(missed).as(table()).isEmpty();
    assertThat(corpus.plants.stream().filter(p -> p.credential() && found(secretlintHits, p)).count()).as("secretlint ran and found something").isGreaterThan(10);
  }

  @Test
  void portcullisReportsNoMoreFalsePositivesThanSecretlint() {
    assertThat(falsePositives(portcullisHits)).as(table()).isLessThanOrEqualTo(falsePositives(secretlintHits));
  }
}
