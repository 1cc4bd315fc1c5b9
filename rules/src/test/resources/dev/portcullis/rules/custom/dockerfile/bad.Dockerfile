FROM registry.acme.test/mirror/golang:1.22 AS build
RUN go build -o /app .

FROM docker.io/library/debian:12
COPY --from=build /app /app
