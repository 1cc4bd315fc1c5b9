FROM debian:12.5
RUN apk update
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
