FROM debian:12.5
RUN dnf config-manager --save --setopt=*.sslverify=false
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
