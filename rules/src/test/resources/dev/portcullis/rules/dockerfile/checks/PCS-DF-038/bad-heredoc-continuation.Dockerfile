FROM debian:12.5
RUN <<EOF
set -eux; \
  curl -fsSLk -o /tmp/a https://internal.example.com/a
EOF
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
