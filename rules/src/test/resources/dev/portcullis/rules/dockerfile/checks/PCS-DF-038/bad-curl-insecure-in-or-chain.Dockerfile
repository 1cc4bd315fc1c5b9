FROM debian:12.5
RUN mkdir -p /opt/a; curl --insecure -fsSL https://internal.example.com/a -o /opt/a/a || exit 1
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
