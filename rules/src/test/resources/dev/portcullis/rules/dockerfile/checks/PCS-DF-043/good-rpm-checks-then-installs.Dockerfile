FROM debian:12.5
RUN rpm -K /tmp/app-1.0.rpm && rpm -ivh /tmp/app-1.0.rpm
USER 10001
HEALTHCHECK CMD ["/app/health"]
