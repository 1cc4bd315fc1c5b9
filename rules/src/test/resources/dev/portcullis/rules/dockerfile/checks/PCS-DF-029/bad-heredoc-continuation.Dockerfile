FROM debian:12.5
RUN <<EOF
set -eux; \
  apt-get update
EOF
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
