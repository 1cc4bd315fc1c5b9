package dev.portcullis.rules.secrets;

import static dev.portcullis.rules.secrets.FakeSecrets.ALNUM;
import static dev.portcullis.rules.secrets.FakeSecrets.B64;
import static dev.portcullis.rules.secrets.FakeSecrets.HEX;
import static dev.portcullis.rules.secrets.FakeSecrets.URLSAFE;
import static dev.portcullis.rules.secrets.FakeSecrets.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Redaction;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generic rules (PCS-SECRET-028, a connection URL with a password, and PCS-SECRET-029, a
 * credential-named assignment) report literal values only: a quoted string anywhere, an unquoted
 * value only where the file's syntax makes it a literal; never an identifier, expression, call or
 * type, a placeholder, a name of a credential, or a value of too little entropy; and they do not
 * read source maps, type declarations or documentation, which the format rules still read.
 */
class GenericSecretRulesTest {
  private static final String VALUE = random(ALNUM, 24, 61);

  static Report scan(String path, String text) {
    Text t = new Text(Text.Kind.FILE, path, new Text.Origin.OnDisk(path), text + "\n");
    return new Engine(SecretChecks.all()).evaluate(new Contents("test", List.of(t), List.of()));
  }

  static List<String> ids(String path, String text) {
    return scan(path, text).findings().stream().map(CheckFinding::id).toList();
  }

  /** Lines of real packages that the generic rules reported before: npm's express, mongoose, redis, passport, pg, typescript, axios; Debian's python3-botocore, -requests, -sqlalchemy; spring-security-core. */
  static Stream<Arguments> notSecrets() {
    return Stream.of(
        Arguments.of("/app/node_modules/@redis/client/dist/lib/commands/AUTH.d.ts", "  password: RedisArgument;"),
        Arguments.of("/app/node_modules/@redis/client/dist/lib/authx/token-manager.js", "  handleNewToken = async ({ token: nativeToken, ttlMs }) => {"),
        Arguments.of("/app/node_modules/@redis/client/dist/lib/cluster/scan-cursor.js", "  const token = callerCursor === '0' ? slots.mintCursorToken() : callerCursor;"),
        Arguments.of("/app/node_modules/axios/index.d.ts", "  token: CancelToken;"),
        Arguments.of("/app/node_modules/axios/README.md", "    password: 'rapunz3l'"),
        Arguments.of("/app/node_modules/passport/README.md", "app.use(require('express-session')({ secret: 'keyboard cat', resave: true, saveUninitialized: true }));"),
        Arguments.of("/app/node_modules/passport/lib/authenticator.js", " *     app.use(connect.session({ secret: 'keyboard cat' }));"),
        Arguments.of("/app/node_modules/mongodb/lib/constants.js", "exports.RESUME_TOKEN_CHANGED = 'resumeTokenChanged';"),
        Arguments.of("/app/node_modules/mongodb/lib/cmap/auth/mongo_credentials.js", "const TOKEN_RESOURCE_MISSING_ERROR = 'TOKEN_RESOURCE must be set in the auth mechanism properties';"),
        Arguments.of("/app/node_modules/mongoose/lib/connection.js", " *     mongoose.createConnection('mongodb://val:psw@127.0.0.1:27017/mydb').user; // \"val\""),
        Arguments.of("/app/node_modules/pg-connection-string/README.md", "const config = parse('postgres://someuser:somepassword@somehost:381/somedatabase')"),
        Arguments.of("/app/node_modules/redis/README.md", "  url: \"redis://alice:foobared@awesome.redis.server:6380\","),
        Arguments.of("/app/node_modules/redis/README.md", "[![Coverage](https://codecov.io/gh/redis/node-redis/branch/master/graph/badge.svg?token=xcfqHhJC37)](https://codecov.io/gh/redis/node-redis)"),
        Arguments.of("/app/node_modules/axios/CHANGELOG.md", "* credentials in a URL (e.g. `https://user:p%40ss@host`), the decoded value is what now goes on the wire"),
        Arguments.of("/app/node_modules/axios/lib/helpers/buildFullPath.js", "  // `https://user:pass@example.com`. Axios decodes percent-encoded URL credentials"),
        Arguments.of("/usr/lib/python3/dist-packages/botocore/credentials.py", "    SECRET_KEY = 'AWS_SECRET_ACCESS_KEY'"),
        Arguments.of("/usr/lib/python3/dist-packages/botocore/credentials.py", "    SECRET_KEY = 'AWSSecretKey'"),
        Arguments.of("/usr/lib/python3/dist-packages/botocore/credentials.py", "            'secret_key': credentials['SecretAccessKey'],"),
        Arguments.of("/usr/lib/python3/dist-packages/botocore/data/dynamodb/2012-08-10/paginators-1.json", "      \"output_token\": \"LastEvaluatedBackupArn\","),
        Arguments.of("/usr/lib/python3/dist-packages/botocore/data/fsx/2018-03-01/service-2.json", "        \"ClientRequestToken\": \"a8ca07e4-61ec-4399-99f4-19853801bcd5\","),
        Arguments.of("/usr/lib/python3/dist-packages/botocore/data/iam/2010-05-08/service-2.json", "          \"PasswordLastUsed\": \"2016-09-08T21:47:36Z\","),
        Arguments.of("/usr/lib/python3/dist-packages/botocore/data/kms/2014-11-01/examples-1.json", "        \"GrantToken\": \"AQpAM2RhZTk1MGMyNTk2ZmZmMzEyYWVhOWViN2I1MWM4Mzc0MWFiYjc0ZDE1OTkyMzM3\""),
        Arguments.of("/usr/lib/python3/dist-packages/botocore/httpsession.py", "            basic_auth = self._construct_basic_auth(username, password)"),
        Arguments.of("/usr/lib/python3/dist-packages/requests/sessions.py", "            new_auth = get_netrc_auth(url) if self.trust_env else None"),
        Arguments.of("/usr/lib/python3/dist-packages/sqlalchemy/dialects/mysql/base.py", "    e = create_engine(\"mysql://scott:tiger@localhost/test\", echo=True)"),
        Arguments.of("/usr/lib/python3/dist-packages/sqlalchemy/dialects/mssql/base.py",
            "        \"mssql+pyodbc://scott:tiger^5HHH@mssql2017:1433/test?driver=ODBC+Driver+17+for+SQL+Server\""),
        Arguments.of("/BOOT-INF/lib/spring-security-core.jar!/org/springframework/security/messages_zh_CN.properties",
            "AbstractLdapAuthenticationProvider.emptyPassword=\\u7528\\u6237\\u540d\\u6216\\u5bc6\\u7801\\u9519\\u8bef"),
        Arguments.of("/BOOT-INF/lib/spring-security-core.jar!/org/springframework/security/messages_de.properties",
            "BindAuthenticator.emptyPassword=Ung\\u00FCltige Anmeldedaten"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("notSecrets")
  void codeDeclarationsAndDocumentationExamplesAreNotSecrets(String path, String line) {
    assertThat(ids(path, line)).isEmpty();
  }

  /** A literal credential in the forms code and configuration write it; each must be found. */
  static Stream<Arguments> literals() {
    String v = VALUE;
    return Stream.of(
        Arguments.of("/app/src/db.js", "const password = '" + v + "';"),
        Arguments.of("/app/src/config.ts", "export const config = { apiKey: \"" + v + "\", region: 'eu-west-1' };"),
        Arguments.of("/app/settings.py", "SECRET_KEY = b'" + v + "'"),
        Arguments.of("/app/settings.py", "conn = connect(host='db', password=r\"" + v + "\")"),
        Arguments.of("/app/src/main/java/com/acme/Db.java", "  private static final String DB_PASSWORD = \"" + v + "\";"),
        Arguments.of("/app/cmd/main.go", "\ttoken := \"" + v + "\""),
        Arguments.of("/app/config/app.rb", "  password: \"" + v + "\","),
        Arguments.of("/app/config.php", "  'db_password' => '" + v + "',"),
        Arguments.of("/app/config.json", "{\"client_secret\": \"" + v + "\"}"),
        Arguments.of("/app/config.toml", "api_token = \"" + v + "\""),
        Arguments.of("/app/.env", "DB_PASSWORD=" + v),
        Arguments.of("/app/.env.production", "API_KEY=" + v + "  # rotated monthly"),
        Arguments.of("/app/application.properties", "spring.datasource.password=" + v),
        Arguments.of("/app/config/application.yml", "    password: " + v),
        Arguments.of("/etc/app/settings.ini", "secret = " + v),
        Arguments.of("/app/deploy.sh", "export REGISTRY_TOKEN=" + v),
        Arguments.of("/app/Dockerfile", "ENV DB_PASSWORD=" + v),
        Arguments.of("/etc/default/app", "APP_SECRET=" + v),
        Arguments.of("/app/settings.py", "API_KEY = '" + random(HEX, 32, 62) + "'"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("literals")
  void aLiteralCredentialIsFound(String path, String line) {
    Report r = scan(path, line);
    assertThat(r.findings()).extracting(CheckFinding::id).containsExactly("PCS-SECRET-029");
    assertThat(r.findings().get(0).message()).doesNotContain(VALUE);
  }

  @Test
  void aConnectionUrlWithAVariedPasswordIsFoundInCode() {
    assertThat(ids("/app/src/db.js", "const pool = new Pool({ connectionString: 'postgres://app:" + VALUE + "@db.internal:5432/app' });"))
        .containsExactly("PCS-SECRET-028");
  }

  @Test
  void urlsWithAPasswordAreStillFoundInTheImageConfig() {
    List<Text> texts = List.of(
        Text.config(Text.Kind.ENV, "img", "config.Env[0]", "DATABASE_URL=postgres://app:" + VALUE + "@db.internal:5432/app"),
        Text.config(Text.Kind.HISTORY, "img", "history[3].created_by", "RUN pip install --index-url https://ci:" + VALUE + "@pypi.example.org/simple app"));
    Report r = new Engine(SecretChecks.all()).evaluate(new Contents("img", texts, List.of()));
    assertThat(r.findings()).extracting(f -> f.id() + " " + f.location().display())
        .containsExactly("PCS-SECRET-028 config.Env[0]", "PCS-SECRET-081 history[3].created_by");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/app/src/db.js", "/app/settings.py", "/app/Main.java", "/app/config.h", "/app/notes"})
  void anUnquotedValueInCodeIsAnIdentifierOrAnExpression(String path) {
    // the same characters are a literal in a configuration file
    assertThat(ids(path, "password = " + VALUE)).isEmpty();
    assertThat(ids(path, "token: " + VALUE)).isEmpty();
    assertThat(ids("/app/config.yaml", "token: " + VALUE)).containsExactly("PCS-SECRET-029");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/app/node_modules/x/dist/index.js.map", "/app/node_modules/x/index.d.ts", "/app/node_modules/x/index.d.mts",
      "/app/node_modules/x/index.d.cts", "/app/node_modules/x/README.md", "/app/docs/setup.rst", "/usr/share/doc/app/README",
      "/app/config.example.yml", "/app/examples/client.py", "/usr/lib/python3/dist-packages/botocore/data/iam/2010-05-08/examples-1.json"})
  void mapsDeclarationsAndDocumentationAreReadByTheFormatRulesOnly(String path) {
    String line = "{\"password\": \"" + VALUE + "\", \"url\": \"postgres://app:" + VALUE + "@db/app\", \"index\": \"https://ci:" + VALUE
        + "@pypi.example.org/simple\", \"github\": \"ghp_" + random(ALNUM, 36, 63) + "\"}";
    assertThat(ids(path, line)).containsExactly("PCS-SECRET-003");
    // the control: anywhere else all four are found
    assertThat(ids("/app/src/settings.js", line)).containsExactlyInAnyOrder("PCS-SECRET-003", "PCS-SECRET-028", "PCS-SECRET-029", "PCS-SECRET-081");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"changeme", "CHANGEME_IN_PRODUCTION", "change-it-before-deploying", "xxxxxxxxxxxxxxxx", "XXXX-XXXX-XXXX-XXXX", "<password>",
      "<your-db-password>", "${DB_PASSWORD}", "${DB_PASSWORD:-Kq8vT2mZ4xR9}", "{{.Values.db.password}}", "%(db_password)s", "your-password-here",
      "aaaaaaaaaaaaaaaa", "Kq8vT2mZaaaaaa4xR9", "****************", "$(cat /run/secrets/db)", "{password}", "@DB_PASSWORD@", "__DB_PASSWORD__",
      "replace_me_with_a_real_key", "dummy-Kq8vT2mZ4xR9", "Kq8vT2mZ4xR9EXAMPLE", "abcdefghijklmnop12", "1234567890123456", "/run/secrets/db_password",
      "https://vault.internal/v1/secret/db", "process.env.DB_PASSWORD", "settings.database.password", "SomeKindOfPassword123!@#",
      "DB_PASSWORD_FROM_ENVIRONMENT", "PaginationToken", "nextPageToken", "LastEvaluatedKey", "rapunz3l", "hunter22", "2016-09-08T21:47:36Z"})
  void aPlaceholderAReferenceAnIdentifierOrAWeakValueIsNotACredential(String value) {
    assertThat(SecretRules.plausibleValue(value, SecretRules.GENERIC_MIN_ENTROPY)).as(value).isFalse();
    assertThat(ids("/app/config.py", "password = \"" + value + "\"")).isEmpty();
    assertThat(ids("/app/.env", "DB_PASSWORD=" + value)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"request_token", "ClientRequestToken", "NextToken", "next_page_token", "idempotencyToken", "password_file", "DB_PASSWORD_PATH",
      "secret_name", "token_url", "PasswordLastUsed", "api_key_id", "token_type", "password_hash", "secretArn", "csrf_token"})
  void aNameOfSomethingElseIsNotACredentialName(String name) {
    assertThat(SecretRules.credentialName(name)).isFalse();
    assertThat(ids("/app/config.json", "{\"" + name + "\": \"" + VALUE + "\"}")).isEmpty();
  }

  /** Seeded random values in the alphabets of generated credentials, 24 to 64 characters: every one is reported. */
  @Test
  void generatedCredentialsAreAlwaysPlausible() {
    List<String> missed = new ArrayList<>();
    for (String alphabet : List.of(ALNUM, B64, URLSAFE, HEX)) {
      for (int seed = 0; seed < 500; seed++) {
        int length = 24 + seed % 41;
        String v = random(alphabet, length, seed);
        if (!SecretRules.plausibleValue(v, SecretRules.GENERIC_MIN_ENTROPY)) {
          missed.add(v);
        }
      }
    }
    assertThat(missed).as("values taken for placeholders, names or weak values").isEmpty();
  }

  @Test
  void aFoundGenericSecretIsRedacted() {
    Report r = scan("/app/.env", "SESSION_SECRET=" + VALUE);
    assertThat(r.findings()).singleElement().satisfies(f -> assertThat(f.message()).doesNotContain(VALUE).contains(Redaction.redact(VALUE)));
  }
}
