FROM debian:12.5
ADD https://example.com/tool.tar.gz /opt/
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
