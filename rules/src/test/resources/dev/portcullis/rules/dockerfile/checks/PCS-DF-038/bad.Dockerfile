FROM debian:12.5
RUN curl -k -o /tmp/a https://internal.example.com/a
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
