FROM rockylinux:9.3
RUN microdnf install -y httpd && microdnf clean all
USER 10001
HEALTHCHECK CMD ["/app/health"]
