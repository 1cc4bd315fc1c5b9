FROM rockylinux:9.3
RUN yum install -y httpd && yum clean metadata
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
