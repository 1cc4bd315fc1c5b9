FROM debian:12.5
RUN microdnf install -y --nogpgcheck app-1.0
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
