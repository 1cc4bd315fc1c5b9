FROM debian:12.5
RUN set -eux; \
    curl -fsSL \
      --insecure \
      -o /tmp/a https://internal.example.com/a
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
