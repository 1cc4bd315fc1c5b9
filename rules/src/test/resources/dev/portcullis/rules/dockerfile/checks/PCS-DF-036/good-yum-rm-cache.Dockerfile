FROM rockylinux:9.3
RUN yum install -y httpd && rm -rf /var/cache/yum
USER 10001
HEALTHCHECK CMD ["/app/health"]
