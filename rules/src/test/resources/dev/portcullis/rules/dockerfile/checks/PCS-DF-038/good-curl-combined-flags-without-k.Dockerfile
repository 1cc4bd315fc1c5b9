FROM debian:12.5
RUN curl -fsSLv -o /tmp/k https://internal.example.com/a
USER 10001
HEALTHCHECK CMD ["/app/health"]
