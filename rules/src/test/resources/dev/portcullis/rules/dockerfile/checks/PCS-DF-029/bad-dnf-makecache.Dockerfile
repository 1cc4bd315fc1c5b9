FROM debian:12.5
RUN dnf makecache
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
