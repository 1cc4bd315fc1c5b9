FROM debian:12.5
ADD --checksum=sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb https://example.com/tool.tar.gz /opt/
USER 10001
HEALTHCHECK CMD ["/app/health"]
