FROM debian:12.5
RUN apk add --no-cache curl=8.5.0-r0
USER 10001
HEALTHCHECK CMD ["/app/health"]
