FROM rockylinux:9.3
RUN zypper -n install httpd && zypper clean --all
USER 10001
HEALTHCHECK CMD ["/app/health"]
