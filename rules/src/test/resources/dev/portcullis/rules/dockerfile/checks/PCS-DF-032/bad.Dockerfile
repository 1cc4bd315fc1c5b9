FROM golang:1.22 AS build
COPY --from=build /go/bin/app /app
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
