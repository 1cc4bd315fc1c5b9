FROM golang:1.22 AS build
FROM debian:12.5
COPY --from=build /go/bin/app /app
USER 10001
HEALTHCHECK CMD ["/app/health"]
