FROM debian:12.5
COPY .env config/ /app/
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
