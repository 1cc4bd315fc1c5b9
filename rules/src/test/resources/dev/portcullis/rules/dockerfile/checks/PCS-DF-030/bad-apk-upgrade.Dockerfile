FROM debian:12.5
RUN apk upgrade --no-cache
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
