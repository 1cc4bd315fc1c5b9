FROM registry.acme.test/mirror/golang:1.22 AS build
RUN go build -o /app .

FROM build AS test
RUN go test ./...

FROM registry.acme.test/mirror/distroless/static:nonroot
COPY --from=build /app /app
