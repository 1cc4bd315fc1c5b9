FROM debian:12.5
RUN curl -fsSL -o /tmp/a -- https://internal.example.com/-k
USER 10001
HEALTHCHECK CMD ["/app/health"]
