FROM debian:12.5
RUN <<EOF
set -eux
export GIT_SSL_NO_VERIFY=1
git clone https://git.example.com/app.git /app
EOF
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
