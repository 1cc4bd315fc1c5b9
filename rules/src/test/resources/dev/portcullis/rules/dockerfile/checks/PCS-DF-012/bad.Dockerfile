FROM alpine:3.19
RUN apk add --no-cache curl
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
