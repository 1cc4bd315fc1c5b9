FROM debian:12.5
RUN zypper -n update && zypper clean
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
