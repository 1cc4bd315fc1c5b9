/*
 * portcullis-hook-client --socket PATH [--timeout-ms N]
 *
 * The native twin of dev.portcullis.admission.hook.client.HookClient, for hosts where a JVM's start
 * on every container start is too slow: relays the OCI state on stdin to `portcullis hook serve`
 * over its Unix socket and exits with the daemon's answer ("EXIT\nMESSAGE\n"), the message on stderr.
 * Anything else (no daemon, no answer in time, an answer that does not read) refuses: exit 2.
 * Built by `portcullis hook install --native-client` with the host's C compiler.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_STATE (256 * 1024 + 1)
#define MAX_ANSWER (64 * 1024)
#define UNDECIDED 2

static const char *socket_path = "";

static void refuse(const char *why) {
  fprintf(stderr, "portcullis: refused: the hook daemon at %s %s: no container starts without a decision\n", socket_path, why);
  exit(UNDECIDED);
}

static void too_late(int signal) {
  (void) signal;
  static const char message[] = "portcullis: refused: the hook daemon gave no answer in time\n";
  ssize_t ignored = write(2, message, sizeof message - 1);
  (void) ignored;
  _exit(UNDECIDED);
}

static int write_all(int fd, const char *buf, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    buf += w;
    n -= (size_t) w;
  }
  return 0;
}

static size_t read_all(int fd, char *buf, size_t max) {
  size_t n = 0;
  while (n < max) {
    ssize_t r = read(fd, buf + n, max - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t) r;
  }
  return n;
}

int main(int argc, char **argv) {
  long timeout_ms = 10000;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
      socket_path = argv[++i];
    } else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc) {
      timeout_ms = strtol(argv[++i], NULL, 10);
    } else {
      fprintf(stderr, "portcullis: refused: hook client: usage --socket PATH [--timeout-ms N]\n");
      return UNDECIDED;
    }
  }
  struct sockaddr_un address;
  memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  if (socket_path[0] == '\0' || strlen(socket_path) >= sizeof address.sun_path || timeout_ms <= 0) {
    fprintf(stderr, "portcullis: refused: hook client: give --socket PATH (shorter than %zu bytes) and a positive --timeout-ms\n",
        sizeof address.sun_path);
    return UNDECIDED;
  }
  strcpy(address.sun_path, socket_path);
  signal(SIGALRM, too_late);
  alarm((unsigned) ((timeout_ms + 999) / 1000));
  static char state[MAX_STATE];
  size_t n = read_all(0, state, sizeof state);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *) &address, sizeof address) != 0) {
    refuse(access(socket_path, F_OK) == 0 ? "cannot be reached (it does not answer)" : "cannot be reached (no socket there)");
  }
  if (write_all(fd, state, n) != 0) refuse("cannot be reached (it closed the connection)");
  shutdown(fd, SHUT_WR);
  static char answer[MAX_ANSWER + 1];
  size_t m = read_all(fd, answer, MAX_ANSWER);
  answer[m] = '\0';
  char *newline = strchr(answer, '\n');
  if (newline == NULL || newline == answer) refuse("gave no answer that reads");
  *newline = '\0';
  char *end;
  long code = strtol(answer, &end, 10);
  if (*end != '\0' || code < 0 || code > 125) refuse("gave no answer that reads");
  char *message = newline + 1;
  size_t length = strlen(message);
  while (length > 0 && (message[length - 1] == '\n' || message[length - 1] == ' ')) message[--length] = '\0';
  if (length > 0) fprintf(stderr, "%s\n", message);
  return (int) code;
}
