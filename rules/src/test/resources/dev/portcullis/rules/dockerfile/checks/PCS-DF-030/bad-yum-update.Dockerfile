FROM debian:12.5
RUN yum -y update && yum clean all
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
