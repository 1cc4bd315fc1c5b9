FROM debian:12.5
RUN dnf install -y --setopt=sslverify=False httpd-2.4.57 && dnf clean all
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
