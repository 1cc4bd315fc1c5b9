FROM debian:12.5
ENV GIT_SSL_NO_VERIFY true
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
