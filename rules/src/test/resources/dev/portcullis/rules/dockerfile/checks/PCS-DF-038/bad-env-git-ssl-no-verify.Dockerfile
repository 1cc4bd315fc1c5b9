FROM debian:12.5
ENV GIT_SSL_NO_VERIFY=1
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
