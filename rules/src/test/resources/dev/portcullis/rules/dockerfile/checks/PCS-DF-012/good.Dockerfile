FROM alpine:3.19
RUN apk add --no-cache curl=8.5.0-r0 'tzdata~=2024a'
USER 10001
HEALTHCHECK CMD ["/app/health"]
