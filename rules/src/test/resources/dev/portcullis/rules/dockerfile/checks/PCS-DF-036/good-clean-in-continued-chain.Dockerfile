FROM rockylinux:9.3
RUN dnf install -y httpd \
 && dnf clean all
USER 10001
HEALTHCHECK CMD ["/app/health"]
