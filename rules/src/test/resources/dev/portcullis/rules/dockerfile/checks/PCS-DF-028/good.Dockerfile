FROM --platform=$BUILDPLATFORM golang:1.22 AS build
FROM debian:12.5
USER 10001
HEALTHCHECK CMD ["/app/health"]
