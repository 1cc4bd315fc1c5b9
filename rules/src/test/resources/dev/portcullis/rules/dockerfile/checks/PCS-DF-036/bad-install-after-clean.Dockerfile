FROM rockylinux:9.3
RUN dnf install -y httpd && dnf clean all && dnf install -y mod_ssl
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
