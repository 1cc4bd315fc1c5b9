FROM debian:12.5
RUN DEBIAN_FRONTEND=noninteractive apt-get update
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
