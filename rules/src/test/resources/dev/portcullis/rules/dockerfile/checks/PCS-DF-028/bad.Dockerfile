FROM --platform=linux/amd64 debian:12.5
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 1
