FROM debian:12.5
WORKDIR app
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
