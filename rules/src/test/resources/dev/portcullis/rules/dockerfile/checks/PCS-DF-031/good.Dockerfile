FROM debian:12.5 AS fetch
RUN wget https://example.com/b
FROM debian:12.5
RUN curl -fsSLO https://example.com/a
USER 10001
HEALTHCHECK CMD ["/app/health"]
