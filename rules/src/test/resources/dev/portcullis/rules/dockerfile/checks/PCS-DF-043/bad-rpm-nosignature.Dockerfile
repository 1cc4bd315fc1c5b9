FROM debian:12.5
RUN rpm -ivh --nosignature /tmp/app-1.0.rpm
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
