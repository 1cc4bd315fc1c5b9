FROM debian:12.5
RUN curl -fsSLO https://example.com/a
RUN wget https://example.com/b
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 3
