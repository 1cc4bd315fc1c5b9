FROM debian:12.5
RUN apk upgrade --no-cache openssl
USER 10001
HEALTHCHECK CMD ["/app/health"]
