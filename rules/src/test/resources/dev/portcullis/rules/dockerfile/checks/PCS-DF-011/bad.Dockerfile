FROM alpine:3.19
RUN apk add curl=8.5.0-r0
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
