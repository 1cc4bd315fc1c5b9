FROM debian:12.5
RUN yum install -y --nogpgcheck app-1.0 && yum clean all
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
