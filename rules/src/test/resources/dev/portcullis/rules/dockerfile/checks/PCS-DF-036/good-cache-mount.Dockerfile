FROM rockylinux:9.3
RUN --mount=type=cache,target=/var/cache/dnf dnf install -y httpd
USER 10001
HEALTHCHECK CMD ["/app/health"]
