FROM rockylinux:9.3
RUN yum clean all && yum install -y httpd
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
