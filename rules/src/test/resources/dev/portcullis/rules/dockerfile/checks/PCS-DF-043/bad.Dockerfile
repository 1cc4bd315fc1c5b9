FROM debian:12.5
RUN apk add --no-cache --allow-untrusted /tmp/app-1.0-r0.apk
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
